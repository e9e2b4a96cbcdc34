"""The Taichi-style language frontend of qtaichi."""
