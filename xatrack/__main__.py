from xatrack.cli import main

main()
