# cmamem map's SVG, read back for area-map.bats (here and in host/): the
# data-* attributes of every element that has a data-kind, through xmllint,
# which fails on a file that is not well-formed XML. xmllint runs where the
# file is (the target), the rest here:
#
#   run -0 target_run xmllint --xpath "$(svg_xpath data-kind data-id)" FILE
#   svg_rows data-kind data-id <<<"$output"

# svg_xpath ATTR...: the XPath of the ATTRs, and of data-kind, which starts
# each element in xmllint's output.
svg_xpath() {
	local a names='name()="data-kind"'
	for a in "$@"; do
		names+=" or name()=\"$a\""
	done
	echo "//*[@data-kind]/@*[$names]"
}

# svg_rows ATTR...: xmllint's ` name="value"` lines on stdin, as one line
# per element: the ATTRs' values, tab-separated, "-" where it has none.
svg_rows() {
	awk -v want="$*" '
	BEGIN { n = split(want, w, " ") }
	function flush(   i, line) {
		if (!seen)
			return
		line = ""
		for (i = 1; i <= n; i++)
			line = line (i > 1 ? "\t" : "") ((w[i] in v) ? v[w[i]] : "-")
		print line
		split("", v)
		seen = 0
	}
	{
		s = $0
		sub(/^ /, "", s)
		eq = index(s, "=")
		name = substr(s, 1, eq - 1)
		val = substr(s, eq + 2)
		sub(/"$/, "", val)
		gsub(/&lt;/, "<", val); gsub(/&gt;/, ">", val)
		gsub(/&quot;/, "\"", val); gsub(/&apos;/, "\047", val)
		gsub(/&amp;/, "\\&", val)
		if (name == "data-kind")
			flush()
		v[name] = val
		seen = 1
	}
	END { flush() }'
}
