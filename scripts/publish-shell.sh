#!/bin/sh
# The hand-written publish step the CLI is measured against (npm run bench):
# hash, sign with OpenSSL, copy, write latest.txt. Same bytes out as
# `static-ota publish --firmware IMAGE --version VERSION --board BOARD --key KEY --out MIRROR`
# for a stable version, without any of its checks (version guard, lockout guard, verification).
# Usage: scripts/publish-shell.sh IMAGE VERSION BOARD KEY.pem MIRROR
set -eu
image=$1 version=$2 board=$3 key=$4 mirror=$5
file="firmware-$version.bin"
mkdir -p "$mirror/$board"
sha256=$(sha256sum "$image" | cut -d' ' -f1)
size=$(wc -c < "$image" | tr -d ' ')
keyid=$(openssl pkey -in "$key" -pubout -outform DER | tail -c 32 | sha256sum | cut -c1-8)
body="$mirror/$board/latest.txt.body"
printf '%s\nformat=static-ota/1\nboard=%s\nchannel=stable\nfile=%s\nsize=%s\nsha256=%s\n' \
  "$version" "$board" "$file" "$size" "$sha256" > "$body"
signature=$(openssl pkeyutl -sign -inkey "$key" -rawin -in "$body" | od -An -v -tx1 | tr -d ' \n')
cp "$image" "$mirror/$board/$file"
{ cat "$body"; printf 'sig=%s:%s\n' "$keyid" "$signature"; } > "$mirror/$board/latest.txt"
rm "$body"
