#!/usr/bin/env node
// The installed `tsgrad` command: the compiled CLI lives in dist/ (built by `npm install`).
import("../dist/cli/main.js");
