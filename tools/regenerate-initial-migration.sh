#!/usr/bin/env bash
# While Workstation is unreleased its schema has one history per provider: a single `Initial` migration generated
# from the model (issue 19). After a model change, run this instead of adding a migration:
#   tools/regenerate-initial-migration.sh
# It needs the EF Core tool (dotnet tool install --global dotnet-ef --version 10.0.12). It deletes both providers'
# migrations, generates `Initial` for SQLite and PostgreSQL, and adds the hand-written SQL that no model expresses:
# the triggers that keep audit_events append-only (Audit/AuditTriggers.cs). The migration/model test
# (tests/Workstation.IntegrationTests/Portal/MigrationModelTests.cs) fails when this was forgotten.
# Existing development databases must be recreated afterwards (the portal says so at start).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
dir=src/Workstation.Portal/Storage/Migrations
dotnet build src/Workstation.Portal -v quiet -nologo >/dev/null
changed=0
for provider in Sqlite Postgres; do
  dotnet ef migrations has-pending-model-changes --no-build --project src/Workstation.Portal --context "${provider}PortalDbContext" >/dev/null 2>&1 || changed=1
done
if [ "$changed" -eq 0 ]; then echo "The model has no changes the Initial migrations do not hold: nothing to do."; exit 0; fi
rm -rf "$dir/Sqlite" "$dir/Postgres"
dotnet build src/Workstation.Portal -v quiet -nologo >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add Initial --no-build --project src/Workstation.Portal --context "${provider}PortalDbContext" \
    --output-dir "Storage/Migrations/$provider" >/dev/null
  file=$(ls "$dir/$provider"/*_Initial.cs | grep -v Designer)
  # The last statement of Up and of Down: create the triggers after the tables, drop them first.
  perl -0pi -e "s/(protected override void Up\(MigrationBuilder migrationBuilder\)\n\s*\{\n)(.*?)(\n        \}\n)/\$1\$2\n\n            migrationBuilder.Sql(Workstation.Portal.Audit.AuditTriggers.Create$provider);\$3/s" "$file"
  perl -0pi -e "s/(protected override void Down\(MigrationBuilder migrationBuilder\)\n\s*\{\n)/\$1            migrationBuilder.Sql(Workstation.Portal.Audit.AuditTriggers.Drop$provider);\n\n/s" "$file"
  grep -q "AuditTriggers.Create$provider" "$file" || { echo "could not add the audit triggers to $file" >&2; exit 1; }
done
echo "Initial migrations regenerated in $dir (Sqlite, Postgres)."
