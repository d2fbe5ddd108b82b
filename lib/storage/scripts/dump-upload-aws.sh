#!/bin/sh
# Uploads the dumps in /work to s3://BUCKET/PREFIX with the AWS CLI, authenticated ambiently
# (IRSA's web-identity token or EKS Pod Identity, both read by the CLI's default chain), then
# deletes dumps under PREFIX last modified more than RETENTION_DAYS ago.
set -eu
: "${BUCKET:?}" "${PREFIX:?}" "${PATTERN:?}" "${RETENTION_DAYS:?}"
for f in /work/$PATTERN; do
	[ -e "$f" ] || { echo "no dump matching $PATTERN in /work" >&2; exit 1; }
	aws s3 cp --only-show-errors "$f" "s3://$BUCKET/$PREFIX/"
done
cutoff=$(date -u -d "@$(($(date -u +%s) - RETENTION_DAYS * 86400))" +%Y-%m-%dT%H:%M:%SZ)
# ISO-8601 timestamps compare as strings; the query returns one key per line, or "None".
aws s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX/" \
	--query "Contents[?LastModified<'$cutoff'].Key" --output text | tr '\t' '\n' |
	while read -r key; do
		case "$key" in "" | None) continue ;; esac
		aws s3 rm --only-show-errors "s3://$BUCKET/$key"
	done
