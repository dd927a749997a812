from voicesim.cli.main import main

raise SystemExit(main())
