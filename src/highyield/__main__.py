from highyield.cli import main

main()
