from handover.cli import main

main(prog_name="handover")
