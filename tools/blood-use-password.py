#!/usr/bin/env python3
"""Prints the BloodUse:Clients:N:PasswordHash for a password (PBKDF2-HMAC-SHA256, 100000 iterations, random salt).

Usage: python3 tools/blood-use-password.py            (asks for the password without echo)
"""
import base64
import getpass
import hashlib
import os
import sys

ITERATIONS = 100_000

password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: ")
salt = os.urandom(16)
digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS, 32)
print(f"pbkdf2-sha256${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}")
