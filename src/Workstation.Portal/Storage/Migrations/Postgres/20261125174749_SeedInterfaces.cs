using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Postgres
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
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FailedAttempts = table.Column<int>(type: "integer", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blood_use_lockouts", x => x.ClientId);
                });

            migrationBuilder.CreateTable(
                name: "blood_use_tokens",
                columns: table => new
                {
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blood_use_tokens", x => x.TokenHash);
                });

            migrationBuilder.CreateTable(
                name: "health_card_blacklist",
                columns: table => new
                {
                    Generation = table.Column<long>(type: "bigint", nullable: false),
                    CardNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Scope = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_blacklist", x => new { x.Generation, x.CardNumber });
                });

            migrationBuilder.CreateTable(
                name: "health_card_blacklist_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    Generation = table.Column<long>(type: "bigint", nullable: false),
                    LastSyncAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastFullLoadAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_blacklist_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "health_card_usages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CardNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Scene = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TerminalId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OperatorId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Allowed = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    BlacklistVersion = table.Column<long>(type: "bigint", nullable: false),
                    BatchId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
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
