from pipesteward.cli import main

main()
