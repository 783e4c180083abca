from handover.entry import main

main()
