from ictfootprint.cli import main

main()
