using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SeedInterfaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "blood_use_lockouts",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blood_use_lockouts", x => x.ClientId);
                });

            migrationBuilder.CreateTable(
                name: "blood_use_tokens",
                columns: table => new
                {
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blood_use_tokens", x => x.TokenHash);
                });

            migrationBuilder.CreateTable(
                name: "health_card_blacklist",
                columns: table => new
                {
                    Generation = table.Column<long>(type: "INTEGER", nullable: false),
                    CardNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_blacklist", x => new { x.Generation, x.CardNumber });
                });

            migrationBuilder.CreateTable(
                name: "health_card_blacklist_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Generation = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSyncAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFullLoadAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_blacklist_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "health_card_usages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CardNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Scene = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TerminalId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OperatorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Allowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    BlacklistVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_usages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_blood_use_tokens_ExpiresAt",
                table: "blood_use_tokens",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_health_card_usages_BatchId",
                table: "health_card_usages",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_health_card_usages_UsedAt",
                table: "health_card_usages",
                column: "UsedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "blood_use_lockouts");

            migrationBuilder.DropTable(
                name: "blood_use_tokens");

            migrationBuilder.DropTable(
                name: "health_card_blacklist");

            migrationBuilder.DropTable(
                name: "health_card_blacklist_state");

            migrationBuilder.DropTable(
                name: "health_card_usages");
        }
    }
}
