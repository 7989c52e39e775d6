using Workstation.Portal.BloodUse;
using Workstation.Portal.HealthCard;

namespace Workstation.UnitTests;

public sealed class BlacklistTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 8, 0, 0, DateTimeKind.Utc);

    private static Blacklist Loaded()
    {
        var blacklist = new Blacklist();
        blacklist.Replace(5, [new CardBlacklistEntry("1300000000000000001", "provincial", "挂失")], Now, fromCardSystem: true);
        return blacklist;
    }

    private static CardBlacklistDelta Delta(long version, string? add = null, string? remove = null) =>
        new(version, add is null ? [] : [new CardBlacklistEntry(add, "national", "注销")], remove is null ? [] : [remove]);

    [Fact]
    public void Consecutive_deltas_are_applied_in_order()
    {
        var blacklist = Loaded();

        Assert.True(blacklist.TryApply([Delta(6, add: "1300000000000000002"), Delta(7, remove: "1300000000000000001")], Now));

        Assert.Equal(7, blacklist.Version);
        Assert.Null(blacklist.Find("1300000000000000001"));
        Assert.Equal(new BlacklistHit("national", "注销"), blacklist.Find("1300000000000000002"));
        Assert.Equal(2, blacklist.Status.DeltasApplied);
    }

    [Fact]
    public void Card_numbers_with_letters_match_in_any_case()
    {
        var blacklist = new Blacklist();
        blacklist.Replace(1, [new CardBlacklistEntry("hb13000000000000a1", "provincial", "挂失")], Now, fromCardSystem: true);

        Assert.NotNull(blacklist.Find("HB13000000000000A1"));
        Assert.NotNull(blacklist.Find("hb13000000000000a1"));
    }

    [Theory]
    [InlineData(7L, 8L)] // version 6 missing
    [InlineData(6L, 8L)] // a hole after the first
    [InlineData(7L, 6L)] // out of order
    [InlineData(5L, 6L)] // a version already applied
    public void A_gap_or_disorder_applies_nothing(long first, long second)
    {
        var blacklist = Loaded();

        Assert.False(blacklist.TryApply([Delta(first, add: "1300000000000000002"), Delta(second, add: "1300000000000000003")], Now));

        Assert.Equal(5, blacklist.Version);
        Assert.Null(blacklist.Find("1300000000000000002"));
        Assert.Equal(1, blacklist.Count);
    }

    [Fact]
    public void A_lookup_sees_one_version_while_a_delta_is_applied()
    {
        var blacklist = Loaded();
        var (before, version) = blacklist.Check("1300000000000000001");

        blacklist.TryApply([Delta(6, remove: "1300000000000000001")], Now);

        Assert.NotNull(before);
        Assert.Equal(5, version);
        Assert.Equal((null, 6L), blacklist.Check("1300000000000000001"));
    }
}

public sealed class BloodUseRulesTests
{
    [Theory]
    [InlineData("GET /blood-use/token?id=a&password=s3cret", "GET /blood-use/token?id=a&password=***")]
    [InlineData("/blood-use/blduseinfo?token=abc-DEF_1&identityNumber=441302197803150018", "/blood-use/blduseinfo?token=***&identityNumber=***")]
    [InlineData("/api/v1/orders/check", "/api/v1/orders/check")]
    public void Query_values_that_are_secrets_or_personal_data_are_redacted(string logged, string expected)
    {
        Assert.Equal(expected, QueryStringRedaction.NeedsRedaction(logged) ? QueryStringRedaction.Redact(logged) : logged);
    }

    [Fact]
    public void A_password_hash_verifies_its_password_only()
    {
        var hash = BloodUsePasswordHash.Create("Reduce@2026", iterations: 10_000);

        Assert.StartsWith("pbkdf2-sha256$10000$", hash);
        Assert.True(BloodUsePasswordHash.Verify(hash, "Reduce@2026"));
        Assert.False(BloodUsePasswordHash.Verify(hash, "reduce@2026"));
        Assert.False(BloodUsePasswordHash.IsWellFormed("Reduce@2026"));
        Assert.False(BloodUsePasswordHash.IsWellFormed("pbkdf2-sha256$10$AAAA$AAAA"));
    }

    [Fact]
    public void Only_settlements_with_blood_become_bills_in_the_seed_formats()
    {
        var patient = new HisInpatient("P1", "张三", "441302197803150018", new DateOnly(1978, 3, 15), "Z0001",
        [
            new HisSettlement("441300900Z000101", 1, new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 9), 0m, []),
            new HisSettlement("441300900Z000102", 2, new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 9), 690m,
            [
                new HisTransfusionLine("0030202500001", "P0201V00", "1002", "悬浮红细胞", 1.5m, "+", 345m, new DateOnly(2026, 3, 3)),
                new HisTransfusionLine("0030202500002", "P0201V00", "1002", "悬浮红细胞", 1.5m, "+", 345m, new DateOnly(2026, 3, 5)),
            ]),
        ]);

        var info = BloodUseLookup.Map(patient, "441300900");

        Assert.Equal(new BloodUser("张三", "441302197803150018", "1978-03-15", "441300900_Z0001"), info.BldUser);
        var bill = Assert.Single(info.ChargeBills);
        Assert.Equal(("441300900Z000102", "690.00", "2026-03-05"), (bill.SerialNumber, bill.ActualCost, bill.ConsumptionDatetime));
        Assert.Equal(2, bill.Products.Count);
    }
}
