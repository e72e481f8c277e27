from jobatlas.cli.main import main

main()
