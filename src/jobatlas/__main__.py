from jobatlas.cli.entry import main

main()
