// The upload page: choose or drop a roster, send it to /v1/batches, follow its progress,
// then show the summary and the rows that need attention. Plain JavaScript, no build step.
"use strict";

(function () {
  const TEXT = {
    id: {
      title: "Pemeriksa Kelayakan BSU",
      lead: "Periksa roster pekerja terhadap aturan Bantuan Subsidi Upah (BSU): siapa yang layak, siapa yang tidak, dan data mana yang perlu diperbaiki.",
      toggle: "English",
      uploadHeading: "1. Unggah roster",
      uploadHelp: "Gunakan berkas Excel (.xlsx) atau CSV dengan satu pekerja per baris dan kolom NIK berformat Teks.",
      template: "Unduh templat roster (.xlsx)",
      fileLabel: "Pilih berkas roster",
      dropHint: "atau seret berkas ke kotak ini",
      fileHint: "Berkas .xlsx, .xlsm atau .csv, paling besar {mb} MB.",
      chosen: "Berkas dipilih: {name}",
      upload: "Periksa roster",
      progressLabel: "Kemajuan pemeriksaan",
      uploading: "Mengunggah {name}…",
      queued: "Menunggu giliran diperiksa…",
      running: "Sedang diperiksa: {progress}%",
      done: "Selesai diperiksa.",
      failed: "Pemeriksaan gagal.",
      summaryHeading: "2. Hasil pemeriksaan",
      summaryFile: "Berkas: {name} · Aturan: {ruleset}",
      eligible: "Layak",
      ineligible: "Tidak Layak",
      review: "Perlu Perbaikan Data",
      total: "Jumlah pekerja",
      benefitTotal: "Total bantuan",
      downloadXlsx: "Unduh hasil (.xlsx)",
      downloadCsv: "Unduh hasil (.csv)",
      attentionHeading: "Baris yang perlu perhatian",
      attentionEmpty: "Semua pekerja layak. Tidak ada baris yang perlu diperbaiki.",
      attentionMore: "Menampilkan {shown} dari {count} baris. Semua baris ada di berkas hasil.",
      colRow: "Baris",
      colNik: "NIK",
      colName: "Nama",
      colStatus: "Status",
      colReasons: "Alasan",
      footer: "Hasil ini membantu memeriksa data; keputusan akhir penerima BSU ada pada Kementerian Ketenagakerjaan dan BPJS Ketenagakerjaan.",
      noFile: "Pilih berkas roster terlebih dahulu.",
      oneFile: "Unggah satu berkas saja.",
      network: "Server tidak dapat dihubungi. Periksa koneksi, lalu coba lagi.",
      keyLabel: "Kunci API",
      keyHint: "Server ini meminta kunci API. Kunci hanya disimpan di tab ini.",
      unexpected: "Server memberi jawaban yang tidak dikenali (HTTP {status}). Coba lagi.",
      mapLabel: "Pemetaan kolom (opsional)",
      mapHint: "Biarkan kosong agar kolom dipilih otomatis. Untuk memilih sendiri, tulis satu per baris: field=Judul Kolom, misalnya wage=Total Upah atau nik=NIK KTP. Field: {fields}.",
      readingHeading: "Cara roster dibaca",
      readingHelp: "Periksa kolom yang dipakai. Bila salah, isi Pemetaan kolom di atas lalu unggah ulang.",
      skippedRows: "{count} baris dilewati karena bukan pekerja",
    },
    en: {
      title: "BSU Eligibility Checker",
      lead: "Check a roster of workers against the rules of the wage subsidy (BSU): who is eligible, who is not, and which data need fixing.",
      toggle: "Bahasa Indonesia",
      uploadHeading: "1. Upload the roster",
      uploadHelp: "Use an Excel (.xlsx) or CSV file with one worker per row and the NIK column formatted as Text.",
      template: "Download the roster template (.xlsx)",
      fileLabel: "Choose the roster file",
      dropHint: "or drag the file onto this box",
      fileHint: ".xlsx, .xlsm or .csv file, at most {mb} MB.",
      chosen: "File chosen: {name}",
      upload: "Check roster",
      progressLabel: "Check progress",
      uploading: "Uploading {name}…",
      queued: "Waiting to be checked…",
      running: "Checking: {progress}%",
      done: "Checked.",
      failed: "The check failed.",
      summaryHeading: "2. Results",
      summaryFile: "File: {name} · Rule set: {ruleset}",
      eligible: "Eligible",
      ineligible: "Ineligible",
      review: "Needs data fixes",
      total: "Workers",
      benefitTotal: "Total benefit",
      downloadXlsx: "Download results (.xlsx)",
      downloadCsv: "Download results (.csv)",
      attentionHeading: "Rows needing attention",
      attentionEmpty: "Every worker is eligible. No row needs fixing.",
      attentionMore: "Showing {shown} of {count} rows. Every row is in the result file.",
      colRow: "Row",
      colNik: "NIK",
      colName: "Name",
      colStatus: "Status",
      colReasons: "Reasons",
      footer: "These results help check the data; the final decision on BSU recipients rests with the Ministry of Manpower and BPJS Ketenagakerjaan.",
      noFile: "Choose a roster file first.",
      oneFile: "Upload one file at a time.",
      network: "The server cannot be reached. Check the connection and try again.",
      keyLabel: "API key",
      keyHint: "This server asks for an API key. The key is kept in this tab only.",
      unexpected: "The server gave an answer that was not understood (HTTP {status}). Try again.",
      mapLabel: "Column mapping (optional)",
      mapHint: "Leave empty to let the columns be chosen automatically. To choose them yourself, write one per line: field=Column Header, e.g. wage=Total Upah or nik=NIK KTP. Fields: {fields}.",
      readingHeading: "How the roster was read",
      readingHelp: "Check the columns used. If one is wrong, fill in Column mapping above and upload again.",
      skippedRows: "{count} rows skipped as they are not workers",
    },
  };
  // Newer words are kept in the server's catalogue (rules/words/api.yaml, keys page_*)
  // and come with the page; without them a key shows, and the rest of the page works.
  try {
    const given = JSON.parse(document.body.dataset.words || "{}");
    for (const language of Object.keys(TEXT)) Object.assign(TEXT[language], given[language] || {});
  } catch (e) {
    // Words left out: nothing else to do.
  }
  const STORE_KEY = "bsu.lang";
  const API_KEY = "bsu.apiKey"; // sessionStorage: gone when the tab closes
  const POLL_MS = 500;
  const PAGE_SIZE = 100;
  const MAX_POLL_FAILURES = 5;
  const SKIPPED_SHOWN = 3; // more skipped rows than this fold behind a <details>

  const $ = (id) => document.getElementById(id);
  const el = {
    toggle: $("lang-toggle"),
    form: $("upload-form"),
    file: $("file"),
    drop: $("drop"),
    fileName: $("file-name"),
    upload: $("upload"),
    error: $("error"),
    status: $("status"),
    progress: $("progress"),
    progressText: $("progress-text"),
    summary: $("summary"),
    summaryFile: $("summary-file"),
    evidence: $("evidence-notice"),
    draft: $("draft-banner"),
    attention: $("attention"),
    attentionEmpty: $("attention-empty"),
    attentionMore: $("attention-more"),
    xlsx: $("download-xlsx"),
    csv: $("download-csv"),
    keyBox: $("key-box"),
    key: $("api-key"),
    mapping: $("mapping"),
    readingBox: $("reading-box"),
    reading: $("reading"),
    paymentBox: $("payment-box"),
    paymentChannels: $("payment-channels"),
    paymentRows: $("payment-rows"),
    paymentNone: $("payment-none"),
    paymentMore: $("payment-more"),
    actions: $("download-actions"),
    keyOpenBox: $("key-open-box"),
    keyOpen: $("key-open"),
  };
  const maxMb = document.body.dataset.maxMb || "";
  const fieldNames = document.body.dataset.fields || "";

  let lang = "id";
  try {
    if (localStorage.getItem(STORE_KEY) === "en") lang = "en";
  } catch (e) {
    // Storage may be off (private mode); the page still works in Indonesian.
  }

  let chosen = null; // the File to upload
  let uploadKey = null; // Idempotency-Key of this choice: a retry returns the same batch
  let batch = null; // the last batch answer from the API
  let busy = false;
  let pollTimer = null;
  let generation = 0; // bumps on every new upload, so stale answers are dropped
  let lastError = null; // {key, vars} for our own messages, {message} for the API's

  function t(key, vars) {
    let text = TEXT[lang][key] || TEXT.id[key] || key;
    for (const [name, value] of Object.entries(vars || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  // --- Language --------------------------------------------------------------------------

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n, { mb: maxMb, fields: fieldNames });
    }
    el.toggle.textContent = t("toggle");
    el.toggle.lang = lang === "id" ? "en" : "id";
    el.toggle.setAttribute("aria-pressed", lang === "en" ? "true" : "false");
    for (const cell of document.querySelectorAll("td[data-col]")) {
      cell.dataset.label = t(cell.dataset.col);
    }
    showChosen();
    if (lastError && lastError.key) showError(lastError);
    if (batch) renderProgress(batch);
    coverageLanguage();
  }

  function setLanguage(next) {
    lang = next;
    try {
      localStorage.setItem(STORE_KEY, lang);
    } catch (e) {
      // Not remembered; nothing else to do.
    }
    applyLanguage();
    // Messages from the API follow the language: fetch the finished batch again.
    if (batch && !busy && (batch.status === "done" || batch.status === "failed")) {
      refresh(generation);
    }
    if (coverageLoaded) loadCoverage(); // its words come from the server too
  }

  // --- API -------------------------------------------------------------------------------

  class ApiFailure extends Error {
    constructor(message) {
      super(message);
      this.name = "ApiFailure";
    }
  }

  // --- API key (only when the server asks for one) ------------------------------------

  function apiKey() {
    const typed = el.key.value.trim();
    if (typed) return typed;
    try {
      return sessionStorage.getItem(API_KEY) || "";
    } catch (e) {
      return "";
    }
  }

  function rememberKey() {
    const typed = el.key.value.trim();
    if (!typed) return;
    try {
      sessionStorage.setItem(API_KEY, typed);
    } catch (e) {
      // Without storage the key stays in the field for this page only.
    }
  }

  function askForKey() {
    el.keyBox.hidden = false;
    el.keyOpenBox.hidden = true;
    el.key.focus();
  }

  function withKey(headers) {
    const key = apiKey();
    return key ? Object.assign({ Authorization: "Bearer " + key }, headers) : headers;
  }

  // A plain link cannot carry the key: with a key, a download is fetched and saved.
  async function download(event) {
    if (!apiKey()) return;
    event.preventDefault();
    const link = event.currentTarget;
    try {
      const response = await fetch(link.href, { headers: withKey({ "Accept-Language": lang }) });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        const message = body && body.error && body.error.message;
        showError({ message: message || t("unexpected", { status: response.status }) });
        return;
      }
      const blob = await response.blob();
      const saved = document.createElement("a");
      saved.href = URL.createObjectURL(blob);
      const disposition = response.headers.get("content-disposition") || "";
      const named = /filename="?([^";]+)"?/.exec(disposition);
      saved.download = named ? named[1] : link.href.split("/").pop();
      document.body.appendChild(saved);
      saved.click();
      saved.remove();
      setTimeout(() => URL.revokeObjectURL(saved.href), 10000);
    } catch (e) {
      showError({ key: "network" });
    }
  }

  el.xlsx.addEventListener("click", download);
  el.csv.addEventListener("click", download);
  el.actions.addEventListener("click", download);
  if (apiKey()) el.keyBox.hidden = false;

  async function api(url, options) {
    const init = Object.assign({}, options || {});
    init.headers = withKey(Object.assign({ Accept: "application/json", "Accept-Language": lang }, init.headers || {}));
    let response;
    try {
      response = await fetch(url, init);
    } catch (e) {
      throw new ApiFailure(t("network"));
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (response.status === 401) askForKey();
    if (!response.ok) {
      const message = body && body.error && body.error.message;
      throw new ApiFailure(message || t("unexpected", { status: response.status }));
    }
    if (body === null) throw new ApiFailure(t("unexpected", { status: response.status }));
    return body;
  }

  // --- Choosing a file -------------------------------------------------------------------

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function choose(file) {
    chosen = file || null;
    uploadKey = chosen ? newKey() : null;
    clearError();
    showChosen();
    el.upload.disabled = busy || !chosen;
  }

  function showChosen() {
    el.fileName.textContent = chosen ? t("chosen", { name: chosen.name }) : "";
  }

  el.file.addEventListener("change", () => choose(el.file.files[0]));
  // The same file read another way is another upload: it gets its own Idempotency-Key.
  el.mapping.addEventListener("input", () => {
    if (chosen) uploadKey = newKey();
  });

  for (const type of ["dragenter", "dragover"]) {
    el.drop.addEventListener(type, (event) => {
      event.preventDefault();
      el.drop.classList.add("over");
    });
  }
  for (const type of ["dragleave", "dragend"]) {
    el.drop.addEventListener(type, () => el.drop.classList.remove("over"));
  }
  el.drop.addEventListener("drop", (event) => {
    event.preventDefault();
    el.drop.classList.remove("over");
    const files = event.dataTransfer ? event.dataTransfer.files : null;
    if (!files || files.length === 0) return;
    if (files.length > 1) {
      showError({ key: "oneFile" });
      return;
    }
    try {
      el.file.files = files; // keeps the input showing what will be sent
    } catch (e) {
      // Older browsers cannot set files; the chosen file is kept below either way.
    }
    choose(files[0]);
  });

  // --- Uploading and following the batch -------------------------------------------------

  el.form.addEventListener("submit", (event) => {
    event.preventDefault();
    rememberKey();
    upload();
  });

  async function upload() {
    if (busy) return;
    if (!chosen) {
      showError({ key: "noFile" });
      return;
    }
    const mine = ++generation;
    clearTimeout(pollTimer);
    busy = true;
    batch = null;
    renderDraft(null);
    el.upload.disabled = true;
    clearError();
    el.summary.hidden = true;
    el.status.hidden = false;
    el.progress.removeAttribute("value"); // indeterminate while the file travels
    el.progressText.textContent = t("uploading", { name: chosen.name });

    const form = new FormData();
    form.append("file", chosen, chosen.name);
    const mapping = el.mapping.value.trim();
    if (mapping) form.append("map", mapping); // one pair per line
    try {
      const answer = await api("/v1/batches", {
        method: "POST",
        body: form,
        headers: { "Idempotency-Key": uploadKey || newKey() },
      });
      if (mine !== generation) return;
      batch = answer;
      renderProgress(batch);
      schedulePoll(mine, 0);
    } catch (e) {
      if (mine !== generation) return;
      finish();
      el.status.hidden = true;
      showError({ message: e.message });
    }
  }

  function schedulePoll(mine, failures) {
    pollTimer = setTimeout(() => poll(mine, failures), POLL_MS);
  }

  async function poll(mine, failures) {
    if (mine !== generation) return;
    let answer;
    try {
      answer = await api(batch.links.self);
    } catch (e) {
      if (mine !== generation) return;
      if (failures + 1 < MAX_POLL_FAILURES) {
        schedulePoll(mine, failures + 1);
      } else {
        finish();
        showError({ message: e.message });
      }
      return;
    }
    if (mine !== generation) return;
    batch = answer;
    renderProgress(batch);
    if (batch.status === "done") {
      await showResult(mine);
    } else if (batch.status === "failed") {
      finish();
      showError({ message: batch.error ? batch.error.message : t("failed") });
    } else {
      schedulePoll(mine, 0);
    }
  }

  function finish() {
    busy = false;
    el.upload.disabled = !chosen;
  }

  async function refresh(mine) {
    try {
      const answer = await api(batch.links.self);
      if (mine !== generation) return;
      batch = answer;
      renderProgress(batch);
      if (batch.status === "done") {
        await showResult(mine);
      } else if (batch.status === "failed") {
        showError({ message: batch.error ? batch.error.message : t("failed") });
      }
    } catch (e) {
      // The page keeps what it shows; the API's words stay in the earlier language.
    }
  }

  function renderProgress(current) {
    renderDraft(current);
    const percent = Math.max(0, Math.min(100, Number(current.progress) || 0));
    el.progress.value = current.status === "done" ? 100 : percent;
    const key = ["queued", "running", "done", "failed"].includes(current.status)
      ? current.status
      : "running";
    el.progressText.textContent = t(key, { progress: percent });
  }

  // A draft rule set (not in force yet): every result made under it says so first, in
  // the words the server gives (in this language), from the moment the upload is taken.
  function renderDraft(current) {
    const rules = (current && current.ruleset) || {};
    const banner = rules.status === "draft" ? rules.banner || rules.draft_reason || "" : "";
    el.draft.textContent = banner;
    el.draft.hidden = !banner;
  }

  async function showResult(mine) {
    let ineligible;
    let review;
    let toFix = null;
    try {
      // The payment pre-check's rows to act on: eligible ones with a finding.
      const accounts = batch.payment ? rowsOf("eligible", { payment: "findings" }) : null;
      [ineligible, review, toFix] = await Promise.all([rowsOf("ineligible"), rowsOf("review"), accounts]);
    } catch (e) {
      if (mine !== generation) return;
      finish();
      showError({ message: e.message });
      return;
    }
    if (mine !== generation) return;
    finish();
    renderSummary(batch);
    renderReading(batch.sources || []);
    renderRows(ineligible, review);
    renderPayment(batch, toFix);
    el.summary.hidden = false;
  }

  function rowsOf(status, extra) {
    const query = new URLSearchParams(
      Object.assign({ status: status, page: "1", page_size: String(PAGE_SIZE) }, extra || {}),
    );
    return api(batch.links.rows + "?" + query.toString());
  }

  // --- Rendering the result --------------------------------------------------------------

  function rupiah(amount) {
    const whole = Math.round(Number(amount) || 0);
    const sign = whole < 0 ? "-" : "";
    return sign + "Rp" + String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function count(value) {
    return String(Math.round(Number(value) || 0)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  // Show a NIK as ••••••••••••0001: the last four digits find the row; the first twelve
  // (region and birth date) are not shown, so the screen cannot be copied into a NIK.
  function maskNik(value) {
    const text = value === null || value === undefined ? "" : String(value).trim();
    if (text === "") return "—";
    if (text.length > 4) return "•".repeat(text.length - 4) + text.slice(-4);
    return "•".repeat(text.length);
  }

  // Reason messages may quote a NIK or KPJ as typed; mask any long run of digits there too.
  function maskDigits(message) {
    return String(message).replace(/\d{10,}/g, (digits) => maskNik(digits));
  }

  function renderSummary(current) {
    const summary = current.summary || {};
    $("count-eligible").textContent = count(summary.eligible);
    $("count-ineligible").textContent = count(summary.ineligible);
    $("count-review").textContent = count(summary.review);
    $("count-total").textContent = count(summary.total);
    $("benefit-total").textContent = rupiah(summary.benefit_total);
    const rules = current.ruleset || {};
    const ruleset = [rules.id, rules.version ? "v" + rules.version : ""].filter(Boolean).join(" ");
    el.summaryFile.textContent = t("summaryFile", { name: current.filename || "", ruleset: ruleset });
    // Loaded registry or list data outranked the roster: say which, so that no decision
    // the roster cannot explain comes as a surprise (worded by the server, in this language).
    const notice = current.evidence && current.evidence.message;
    el.evidence.textContent = notice || "";
    el.evidence.hidden = !notice;
    el.xlsx.href = current.links.result_xlsx;
    el.csv.href = current.links.result_csv;
  }

  // How the roster was read, per file and sheet, worded by the server in this language:
  // notices first, then the columns used and not used, then the rows skipped (folded when
  // there are many). ``lines`` holds the head, the notices, the columns, then the rows.
  function renderReading(sources) {
    el.reading.replaceChildren();
    for (const source of sources) {
      const lines = (source.lines || []).map(maskDigits);
      const notices = source.notices || [];
      const skipped = (source.skipped_rows || []).length;
      const box = document.createElement("div");
      box.className = "source";
      const head = document.createElement("h4");
      head.textContent = lines[0] || source.file;
      box.appendChild(head);
      for (const notice of notices) {
        const note = document.createElement("p");
        note.className = "notice";
        note.setAttribute("role", "note");
        note.dataset.code = notice.code;
        note.textContent = maskDigits(notice.message);
        box.appendChild(note);
      }
      const columns = lines.slice(1 + notices.length, lines.length - skipped);
      if (columns.length) box.appendChild(listOf(columns, "reading-lines"));
      const rows = skipped ? lines.slice(lines.length - skipped) : [];
      if (rows.length > SKIPPED_SHOWN) {
        const more = document.createElement("details");
        const label = document.createElement("summary");
        label.textContent = t("skippedRows", { count: count(rows.length) });
        more.append(label, listOf(rows, "reading-lines skipped"));
        box.appendChild(more);
      } else if (rows.length) {
        box.appendChild(listOf(rows, "reading-lines skipped"));
      }
      el.reading.appendChild(box);
    }
    el.readingBox.hidden = sources.length === 0;
  }

  function listOf(lines, className) {
    const list = document.createElement("ul");
    list.className = className;
    for (const line of lines) {
      const item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    }
    return list;
  }

  function renderRows(ineligible, review) {
    const rows = ineligible.data.concat(review.data);
    rows.sort((a, b) => a.position - b.position);
    const body = el.attention.tBodies[0];
    body.replaceChildren();
    const several = Array.isArray(batch.sheets) && batch.sheets.length > 1;
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.className = row.status;
      tr.dataset.row = String(row.row === null ? "" : row.row);
      // Each cell carries its column's name, shown before it on a narrow screen.
      const cell = (col, className) => {
        const td = document.createElement("td");
        td.dataset.col = col;
        td.dataset.label = t(col);
        if (className) td.className = className;
        tr.appendChild(td);
        return td;
      };

      cell("colRow", "num").textContent =
        (several && row.sheet ? row.sheet + " · " : "") + (row.row ?? "—");
      cell("colNik", "nik").textContent = maskNik(row.nik);
      cell("colName").textContent = row.name || "—";

      const status = cell("colStatus");
      const badge = document.createElement("span");
      badge.className = "badge " + row.status;
      badge.textContent = t(row.status);
      status.appendChild(badge);

      const reasons = cell("colReasons");
      const list = document.createElement("ul");
      list.className = "reasons";
      for (const reason of row.reasons || []) {
        const item = document.createElement("li");
        const message = document.createElement("span");
        message.textContent = maskDigits(reason.message);
        const code = document.createElement("code");
        code.textContent = reason.code;
        item.append(message, " ", code);
        list.appendChild(item);
      }
      reasons.appendChild(list);
      body.appendChild(tr);
    }
    const total = ineligible.count + review.count;
    el.attention.parentElement.hidden = rows.length === 0;
    el.attentionEmpty.hidden = total !== 0;
    el.attentionMore.hidden = rows.length >= total;
    el.attentionMore.textContent = t("attentionMore", { shown: count(rows.length), count: count(total) });
  }

  // "Data rekening": the payment pre-check beside the decision (advice, never a status):
  // eligible workers per channel, then the eligible rows whose account needs action, and
  // the action list. Nothing when no row of the roster gave account data.
  function renderPayment(current, toFix) {
    const payment = current.payment;
    el.paymentBox.hidden = !payment || !toFix;
    el.paymentChannels.replaceChildren();
    el.paymentRows.tBodies[0].replaceChildren();
    if (el.paymentBox.hidden) return;
    for (const channel of payment.channels || []) {
      if (!channel.count) continue;
      const item = document.createElement("li");
      item.dataset.channel = channel.channel;
      const label = document.createElement("span");
      label.textContent = channel.label;
      const number = document.createElement("strong");
      number.textContent = count(channel.count);
      item.append(label, ": ", number);
      el.paymentChannels.appendChild(item);
    }
    const several = Array.isArray(current.sheets) && current.sheets.length > 1;
    const body = el.paymentRows.tBodies[0];
    for (const row of toFix.data) {
      const tr = document.createElement("tr");
      tr.dataset.row = String(row.row === null ? "" : row.row);
      const cell = (col, className) => {
        const td = document.createElement("td");
        td.dataset.col = col;
        td.dataset.label = t(col);
        if (className) td.className = className;
        tr.appendChild(td);
        return td;
      };
      cell("colRow", "num").textContent =
        (several && row.sheet ? row.sheet + " · " : "") + (row.row ?? "—");
      cell("colName").textContent = row.name || "—";
      const list = document.createElement("ul");
      list.className = "findings";
      for (const finding of (row.payment && row.payment.findings) || []) {
        const item = document.createElement("li");
        item.className = finding.severity;
        item.dataset.code = finding.code;
        const message = document.createElement("span");
        message.textContent = maskDigits(finding.message);
        const code = document.createElement("code");
        code.textContent = finding.code;
        item.append(message, " ", code);
        list.appendChild(item);
      }
      cell("page_payment_findings").appendChild(list);
      body.appendChild(tr);
    }
    el.paymentRows.parentElement.hidden = toFix.data.length === 0;
    el.paymentNone.hidden = toFix.count !== 0;
    el.paymentMore.hidden = toFix.data.length >= toFix.count;
    el.paymentMore.textContent = t("page_payment_more", {
      shown: count(toFix.data.length),
      count: count(toFix.count),
    });
    el.actions.href = current.links.actions;
  }

  // --- Regional coverage (UCJ), for branch staff -----------------------------------------
  // Shown when /v1/coverage answers the caller (a staff key or the local user): an
  // employer's key gets 403 there, never sees the section, and the API refuses it anyway.
  // Loaded when asked (each read is audited): the region table, the chart (fetched with
  // the key and shown from a blob URL, as the key travels in a header) and the employers
  // in arrears; the workers to call, personal data, are only in the arrears download.

  const cov = {
    section: $("coverage"),
    load: $("coverage-load"),
    progress: $("coverage-progress"),
    error: $("coverage-error"),
    body: $("coverage-body"),
    asOf: $("coverage-as-of"),
    denominator: $("coverage-denominator"),
    missing: $("coverage-missing"),
    regions: $("coverage-regions"),
    trend: $("coverage-trend"),
    arrears: $("coverage-arrears"),
    arrearsNone: $("coverage-arrears-none"),
    regionsXlsx: $("download-regions"),
    arrearsXlsx: $("download-arrears"),
  };
  let coverageLoaded = false;
  let coverageGeneration = 0;
  let trendUrl = null;

  async function probeCoverage() {
    let status = 0;
    try {
      const response = await fetch("/v1/coverage", { headers: withKey({ Accept: "application/json" }) });
      status = response.status;
    } catch (e) {
      status = 0;
    }
    cov.section.hidden = status !== 200;
    // Keys required and none typed yet: offer the key box (an upload would ask for it too).
    el.keyOpenBox.hidden = !(status === 401 && el.keyBox.hidden);
    if (status !== 200) clearCoverage();
  }

  function clearCoverage() {
    coverageGeneration++;
    coverageLoaded = false;
    cov.body.hidden = true;
    cov.error.hidden = true;
    cov.progress.hidden = true;
    cov.load.disabled = false;
    cov.regions.tBodies[0].replaceChildren();
    cov.arrears.tBodies[0].replaceChildren();
    showTrend(null);
  }

  function coverageLanguage() {
    // Plain links (the local user, no key) carry the page's language in the address.
    cov.regionsXlsx.href = "/v1/coverage/regions.xlsx?lang=" + lang;
    cov.arrearsXlsx.href = "/v1/coverage/arrears.xlsx?lang=" + lang;
    cov.trend.alt = t("page_coverage_trend_alt");
  }

  async function loadCoverage() {
    const mine = ++coverageGeneration;
    cov.load.disabled = true;
    cov.progress.hidden = false;
    cov.error.hidden = true;
    const chart = fetchTrend();
    try {
      const [report, owed] = await Promise.all([
        api("/v1/coverage/regions"),
        api("/v1/coverage/arrears?workers=false"),
      ]);
      if (mine !== coverageGeneration) return;
      renderRegions(report);
      renderArrears(owed);
      coverageLoaded = true;
      cov.body.hidden = false;
      const png = await chart;
      if (mine === coverageGeneration) showTrend(png);
    } catch (e) {
      if (mine !== coverageGeneration) return;
      cov.body.hidden = true;
      cov.error.textContent = e.message;
      cov.error.hidden = false;
    } finally {
      if (mine === coverageGeneration) {
        cov.load.disabled = false;
        cov.progress.hidden = true;
      }
    }
  }

  // The chart as a Blob, or null when it cannot be had (the tables still show).
  async function fetchTrend() {
    try {
      const response = await fetch("/v1/coverage/trend.png?lang=" + lang, {
        headers: withKey({ Accept: "image/png", "Accept-Language": lang }),
      });
      return response.ok ? await response.blob() : null;
    } catch (e) {
      return null;
    }
  }

  function showTrend(png) {
    if (trendUrl) URL.revokeObjectURL(trendUrl);
    trendUrl = png ? URL.createObjectURL(png) : null;
    if (trendUrl) cov.trend.src = trendUrl;
    else cov.trend.removeAttribute("src");
    cov.trend.hidden = !trendUrl;
  }

  function isBlank(value) {
    return value === null || value === undefined || value === "";
  }

  // A percentage with one or two decimals, "22,7" in Indonesian and "22.7" in English.
  function percent(value, signed) {
    if (isBlank(value)) return "—";
    const number = Number(value);
    let text = number.toFixed(2).replace(/0$/, "");
    if (lang === "id") text = text.replace(".", ",");
    return (signed && number > 0 ? "+" : "") + text;
  }

  function whole(value) {
    return isBlank(value) ? "—" : count(value);
  }

  function coverageCell(tr, col, text, className) {
    const td = document.createElement("td");
    td.dataset.col = col;
    td.dataset.label = t(col);
    if (className) td.className = className;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function regionRow(region, level, name) {
    const tr = document.createElement("tr");
    tr.className = level;
    tr.dataset.code = (level === "province" ? region.province_code : region.region_code) || "";
    const place = coverageCell(tr, "page_coverage_col_region", name || "—", "region");
    if (region.note) {
      // What the server says about the row (e.g. more protected than the universe).
      const note = document.createElement("small");
      note.className = "note";
      note.textContent = region.note;
      place.append(document.createElement("br"), note);
    }
    coverageCell(tr, "page_coverage_col_protected", whole(region.protected), "num");
    coverageCell(tr, "page_coverage_col_pu", whole(region.active_pu), "num");
    coverageCell(tr, "page_coverage_col_bpu", whole(region.active_bpu), "num");
    coverageCell(tr, "page_coverage_col_universe", whole(region.universe), "num");
    coverageCell(tr, "page_coverage_col_not_protected", whole(region.not_protected), "num");
    coverageCell(tr, "page_coverage_col_coverage", percent(region.coverage_pct), "num");
    const target = coverageCell(tr, "page_coverage_col_target", percent(region.target_pct), "num");
    if (region.target_source) target.title = region.target_source;
    coverageCell(tr, "page_coverage_col_gap", whole(region.gap), "num");
    coverageCell(tr, "page_coverage_col_change", percent(region.change_pct, true), "num");
    return tr;
  }

  // Each province, then its regencies and cities under it; rows of no known province last.
  function renderRegions(report) {
    cov.asOf.textContent = t("page_coverage_as_of", { as_of: report.as_of || "—", year: report.year });
    cov.denominator.textContent = report.denominator || "";
    cov.denominator.hidden = !report.denominator;
    const missing = report.missing || [];
    cov.missing.replaceChildren(...missing.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }));
    cov.missing.hidden = missing.length === 0;
    const body = cov.regions.tBodies[0];
    body.replaceChildren();
    const regencies = report.regencies || [];
    const placed = new Set();
    for (const province of report.provinces || []) {
      body.appendChild(regionRow(province, "province", province.province));
      regencies.forEach((regency, index) => {
        if (regency.province_code !== province.province_code) return;
        body.appendChild(regionRow(regency, "regency", regency.region));
        placed.add(index);
      });
    }
    regencies.forEach((regency, index) => {
      if (!placed.has(index)) body.appendChild(regionRow(regency, "regency", regency.region || regency.province));
    });
  }

  function renderArrears(owed) {
    const body = cov.arrears.tBodies[0];
    body.replaceChildren();
    const employers = owed.employers || [];
    for (const employer of employers) {
      const tr = document.createElement("tr");
      tr.dataset.npp = employer.employer_id || "";
      coverageCell(tr, "page_coverage_col_npp", employer.employer_id || "—", "npp");
      coverageCell(tr, "page_coverage_col_employer", employer.employer_name || "—");
      coverageCell(tr, "page_coverage_col_registered", whole(employer.registered), "num");
      coverageCell(tr, "page_coverage_col_active", whole(employer.active), "num");
      coverageCell(tr, "page_coverage_col_inactive", whole(employer.inactive), "num");
      coverageCell(tr, "page_coverage_col_overdue", whole(employer.arrears), "num");
      coverageCell(tr, "page_coverage_col_message", employer.message || "");
      body.appendChild(tr);
    }
    cov.arrears.parentElement.hidden = employers.length === 0;
    cov.arrearsNone.hidden = employers.length !== 0;
  }

  cov.load.addEventListener("click", loadCoverage);
  cov.regionsXlsx.addEventListener("click", download);
  cov.arrearsXlsx.addEventListener("click", download);
  el.keyOpen.addEventListener("click", askForKey);
  // A key typed (or changed): whether this caller is staff is asked again.
  el.key.addEventListener("change", () => {
    rememberKey();
    probeCoverage();
  });

  // --- Errors ----------------------------------------------------------------------------

  function showError(error) {
    lastError = error;
    el.error.textContent = error.key ? t(error.key) : error.message;
    el.error.hidden = false;
  }

  function clearError() {
    lastError = null;
    el.error.textContent = "";
    el.error.hidden = true;
  }

  el.toggle.addEventListener("click", () => setLanguage(lang === "id" ? "en" : "id"));
  applyLanguage();
  probeCoverage();
})();
