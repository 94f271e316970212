"""kq's optional server (kq server start): nothing the default path needs."""
