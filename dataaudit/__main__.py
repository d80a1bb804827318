from dataaudit.cli import main

main()
