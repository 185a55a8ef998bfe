"""Everything that speaks WeChat: clients and token store, callback crypto, commands, the sandbox."""
