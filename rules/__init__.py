"""Rule packs shipped with tf1migrate (TOML data; see README.md in this folder)."""
