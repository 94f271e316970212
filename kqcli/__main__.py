from kqcli.cli.entry import main

main()
