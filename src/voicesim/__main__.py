from voicesim.cli.main import entry

entry()
