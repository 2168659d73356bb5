from xatrack.quick import main

main()
