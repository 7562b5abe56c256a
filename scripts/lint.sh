#!/usr/bin/env bash
# `pnpm lint`: the checks a change must pass besides its tests, one step per line.
set -euo pipefail
cd "$(dirname "$0")/.."

# Import rules: layers of the server, the widget apart from the server, shared apart from both
# (.dependency-cruiser.cjs; ARCHITECTURE.md explains them).
pnpm exec depcruise --config .dependency-cruiser.cjs \
  packages/server/src packages/server/test packages/server/scripts packages/server/bench \
  packages/widget/src packages/widget/test packages/widget/scripts \
  packages/shared/src packages/shared/test

# The committed GraphQL schema is what the built server prints (`pnpm schema` writes it).
node scripts/check-schema.mjs

# The widget's generated operation types match the schema and its documents (`pnpm codegen` writes them).
node packages/widget/scripts/codegen.mjs --check

# typescript-eslint's type-checked rules over every package's sources and tests (eslint.config.js).
pnpm exec eslint packages/server/src packages/server/test packages/widget/src packages/widget/test packages/widget/embed-test packages/shared/src packages/shared/test

# One format for every source file (.prettierrc.json); `pnpm format` writes it.
pnpm exec prettier --check --log-level warn "**/*.{ts,mjs,cjs,js,json}"
