from glossary_lsp.cli import main

raise SystemExit(main())
