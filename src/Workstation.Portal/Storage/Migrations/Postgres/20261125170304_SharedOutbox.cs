using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SharedOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_DeliveredAt_NextAttemptAt",
                table: "outbox");

            migrationBuilder.AlterColumn<string>(
                name: "LastError",
                table: "outbox",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(500)",
                oldMaxLength: 500,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Id",
                table: "outbox",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "outbox",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseUntil",
                table: "outbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OrderingKey",
                table: "outbox",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "outbox",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "outbox",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "");

            // Messages written before the shared outbox: undelivered ones are pending, the rest delivered.
            migrationBuilder.Sql("UPDATE outbox SET \"State\" = CASE WHEN \"DeliveredAt\" IS NULL THEN 'pending' ELSE 'delivered' END;");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_OrderingKey_Sequence",
                table: "outbox",
                columns: new[] { "OrderingKey", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_State_Sequence",
                table: "outbox",
                columns: new[] { "State", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outbox_OrderingKey_Sequence",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "IX_outbox_State_Sequence",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "OrderingKey",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "outbox");

            migrationBuilder.DropColumn(
                name: "State",
                table: "outbox");

            migrationBuilder.AlterColumn<string>(
                name: "LastError",
                table: "outbox",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(1000)",
                oldMaxLength: 1000,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Id",
                table: "outbox",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(100)",
                oldMaxLength: 100);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_DeliveredAt_NextAttemptAt",
                table: "outbox",
                columns: new[] { "DeliveredAt", "NextAttemptAt" });
        }
    }
}
