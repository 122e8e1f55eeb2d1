# bash completion for cmamem(1)                             -*- shell-script -*-
#
# Completes actions, each action's options and their fixed values, file
# names where a file is wanted, and buffer ids and names read from
# `cmamem list -v` (the table: ID first, NAME last, "-" for none), and
# region names from `cmamem regions` (NAME first). The device named by
# -d/--device on the line is the one asked.

_cmamem_actions="alloc free list info fill dump sync checksum cmp copy verify export stats holders limits pool regions map top"
_cmamem_global="--device --json --quiet --verbose --version --help"

# The options of ACTION, as `cmamem ACTION --help` lists them.
_cmamem_options() {
	case $1 in
	alloc) echo "--name --cache --align --from --size-from --region" ;;
	fill) echo "--pattern --word --counter --random --seed --from --direct --offset --length" ;;
	dump) echo "--format --endian --raw --to --direct --offset --length" ;;
	sync) echo "--for --offset --length" ;;
	checksum) echo "--algo --offset --length" ;;
	cmp) echo "--offset --length" ;;
	copy) echo "--dest-offset --offset --length" ;;
	map) echo "--output" ;;
	list) echo "--all" ;;
	limits) echo "--region --set" ;;
	pool) echo "--resize" ;;
	top) echo "--interval --sort --once" ;;
	esac
}

# Buffer ids and names, from the device on the command line if any. A word
# that starts UID: is another user's buffer: UID:NAME from `list --all` (the
# debugfs table, root's; its header names the columns).
_cmamem_buffers() {
	local dev=() i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		-d | --device) dev=(--device "${COMP_WORDS[i + 1]}") ;;
		--device=*) dev=("${COMP_WORDS[i]}") ;;
		esac
	done
	if [[ $cur =~ ^([0-9]+): ]]; then
		"${COMP_WORDS[0]}" "${dev[@]}" --quiet list --all 2>/dev/null |
			awk -v uid="${BASH_REMATCH[1]}" '
				NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
				$col["uid"] == uid && $col["name"] != "-" { print uid ":" $col["name"] }'
		return
	fi
	"${COMP_WORDS[0]}" "${dev[@]}" --quiet list -v 2>/dev/null |
		awk 'NR > 1 { print $1; if ($NF != "-") print $NF }'
}

_cmamem() {
	local cur prev action="" nargs=0 i w skip=0 cmd_start=0
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# Find the action and count its positional arguments before the cursor.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((skip)); then
			skip=0
			continue
		fi
		((cmd_start)) && break
		case $w in
		--) [ "$action" = export ] && cmd_start=$((i + 1)) ;;
		-d | --device | -n | --name | -c | --cache | -a | --align | -f | --from | \
		--size-from | -p | --pattern | -w | --word | -s | --seed | -o | --offset | --output | \
		-l | --length | --for | -F | --format | -e | --endian | -A | --algo | \
		-t | --dest-offset | -T | --to | --interval | --sort | -R | --region) skip=1 ;;
		-*) ;;
		*)
			if [ -z "$action" ]; then
				action=$w
			else
				nargs=$((nargs + 1))
			fi
			;;
		esac
	done

	# After `export ID --`: a command, then that command's own completion.
	if ((cmd_start)); then
		if declare -F _command_offset >/dev/null; then
			_command_offset "$cmd_start"
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi
		return
	fi

	# The value of an option.
	case $prev in
	-d | --device | --size-from | -T | --to | --output)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	# map's -o is a file; the range actions' an offset.
	-o)
		[ "$action" = map ] && COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-f | --from)
		if [ "$action" = alloc ]; then
			COMPREPLY=($(compgen -W "auto pool cma" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur") $(compgen -W "-" -- "$cur"))
		fi
		return
		;;
	-c | --cache) COMPREPLY=($(compgen -W "wc uncached cached" -- "$cur")); return ;;
	--for) COMPREPLY=($(compgen -W "cpu device" -- "$cur")); return ;;
	-F | --format) COMPREPLY=($(compgen -W "hex raw u8 u16 u32 u64" -- "$cur")); return ;;
	-e | --endian) COMPREPLY=($(compgen -W "little big" -- "$cur")); return ;;
	-A | --algo) COMPREPLY=($(compgen -W "sha256 crc32" -- "$cur")); return ;;
	--sort) COMPREPLY=($(compgen -W "bytes pid buffers mapped exports" -- "$cur")); return ;;
	-R | --region)
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" regions 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur"))
		return
		;;
	-n | --name | -a | --align | -p | --pattern | -w | --word | -s | --seed | \
	--offset | -l | --length | -t | --dest-offset | --interval)
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$_cmamem_global $(_cmamem_options "$action")" -- "$cur"))
		return
	fi
	if [ -z "$action" ]; then
		COMPREPLY=($(compgen -W "$_cmamem_actions" -- "$cur"))
		return
	fi
	case $action in
	free | info | fill | dump | sync | checksum | verify)
		((nargs == 0)) && COMPREPLY=($(compgen -W "$(_cmamem_buffers)" -- "$cur"))
		;;
	copy)
		((nargs < 2)) && COMPREPLY=($(compgen -W "$(_cmamem_buffers)" -- "$cur"))
		;;
	cmp)
		# A or B: a buffer, or a file (with a '/', or '-').
		((nargs < 2)) &&
			COMPREPLY=($(compgen -W "$(_cmamem_buffers) -" -- "$cur") $(compgen -f -- "$cur"))
		;;
	export)
		if ((nargs == 0)); then
			COMPREPLY=($(compgen -W "$(_cmamem_buffers)" -- "$cur"))
		elif ((nargs == 1)); then
			COMPREPLY=($(compgen -W "--" -- "$cur"))
		fi
		;;
	esac
	return 0
}

complete -F _cmamem cmamem
