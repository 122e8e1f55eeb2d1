# For suites in which uids other than root use the device (attack, fuzz,
# management): load it after common, and it makes /dev/cma_mem 0666 for the
# suite's length, so that uids 1000 and 1001 can open it, and 0660 again
# after. It defines setup_file and teardown_file; setup and teardown stay
# the suite's.

setup_file() {
	common_setup_file
	target_run chmod 0666 "$CMAMEM_DEV"
}

teardown_file() {
	target_run chmod 0660 "$CMAMEM_DEV"
	common_teardown_file
}
