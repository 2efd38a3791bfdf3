from bsu.cli import main

main()
