using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Sqlite
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

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "outbox",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseUntil",
                table: "outbox",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OrderingKey",
                table: "outbox",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "outbox",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "State",
                table: "outbox",
                type: "TEXT",
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

            migrationBuilder.CreateIndex(
                name: "IX_outbox_DeliveredAt_NextAttemptAt",
                table: "outbox",
                columns: new[] { "DeliveredAt", "NextAttemptAt" });
        }
    }
}
