from highyield.entry import main

main()
