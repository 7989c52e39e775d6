using Workstation.Platform.Catalogue;

namespace Workstation.UnitTests;

public sealed class CatalogueTests
{
    private readonly RecognitionItemCatalogue _catalogue = RecognitionItemCatalogue.LoadDefault();

    [Fact]
    public void Holds_at_least_forty_items_of_both_kinds_with_validity_and_price()
    {
        Assert.True(_catalogue.Items.Count >= 40);
        Assert.Contains(_catalogue.Items, i => i.Kind == "lab");
        Assert.Contains(_catalogue.Items, i => i.Kind == "exam");
        Assert.All(_catalogue.Items, i =>
        {
            Assert.InRange(i.ValidityDays, 1, 3650);
            Assert.True(i.Price > 0);
            Assert.False(string.IsNullOrWhiteSpace(i.Name));
            Assert.False(string.IsNullOrWhiteSpace(i.NameEn));
        });
        Assert.Equal(_catalogue.Items.Count, _catalogue.Items.Select(i => i.Code).Distinct().Count());
    }

    [Theory]
    [InlineData("血常规")]
    [InlineData("尿常规")]
    [InlineData("肝功能")]
    [InlineData("肾功能")]
    [InlineData("电解质")]
    [InlineData("血脂")]
    [InlineData("糖化血红蛋白")]
    [InlineData("凝血功能")]
    [InlineData("胸部CT")]
    [InlineData("头颅CT")]
    [InlineData("头颅MRI")]
    [InlineData("腹部彩超")]
    [InlineData("心脏彩超")]
    [InlineData("心电图")]
    public void Contains_the_common_items_doctors_order(string name) =>
        Assert.Contains(_catalogue.Items, i => i.Name.Contains(name, StringComparison.Ordinal));

    [Fact]
    public void Find_is_exact_and_tolerates_null()
    {
        Assert.Equal("血常规", _catalogue.Find("L001")!.Name);
        Assert.Null(_catalogue.Find("NOPE"));
        Assert.Null(_catalogue.Find(null));
    }
}
