using System;
using Microsoft.EntityFrameworkCore.Migrations;

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

            migrationBuilder.CreateIndex(
                name: "IX_blood_use_tokens_ExpiresAt",
                table: "blood_use_tokens",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "blood_use_lockouts");

            migrationBuilder.DropTable(
                name: "blood_use_tokens");
        }
    }
}
