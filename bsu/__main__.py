from bsu.cli.app import main

main()
