from kqcli.entry import main

main()
