# The CLI's sources that need no device: linked into cmamem, and into
# cli-unit (tests/host-c) from the same objects in $(BUILD)/cli/obj.
COMMON := args.c debugfs.c diag.c device.c digest.c direct.c explain.c explain-region.c hexdump.c map.c odfmt.c \
	output.c pattern.c progress.c regions.c size.c
