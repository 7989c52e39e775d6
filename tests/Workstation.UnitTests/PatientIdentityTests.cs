using Workstation.Platform.Contract;

namespace Workstation.UnitTests;

public sealed class PatientIdentityTests
{
    [Fact]
    public void Demo_ids_are_generated_with_a_valid_check_digit()
    {
        var id = PatientIdentityValidator.WithCheckDigit("44130219780315001");

        Assert.True(PatientIdentityValidator.IsValidResidentId(id));
        Assert.Equal(18, id.Length);
    }

    [Fact]
    public void The_published_example_id_has_check_character_x()
    {
        Assert.True(PatientIdentityValidator.IsValidResidentId("11010519491231002X"));
        Assert.Equal("11010519491231002X", PatientIdentityValidator.WithCheckDigit("11010519491231002"));
    }

    [Theory]
    [InlineData("110105194912310021", "wrong check digit")]
    [InlineData("11010519491331002X", "month 13")]
    [InlineData("1101051949123100", "too short")]
    [InlineData("1101051949123100AX", "letters")]
    public void Malformed_resident_ids_are_refused(string id, string why)
    {
        Assert.False(PatientIdentityValidator.IsValidResidentId(id), why);
        Assert.NotNull(PatientIdentityValidator.Validate(new PatientIdentity(IdTypes.ResidentIdCard, id, "张伟")));
    }

    [Fact]
    public void A_passport_needs_no_checksum_but_needs_a_name_and_known_type()
    {
        Assert.Null(PatientIdentityValidator.Validate(new PatientIdentity(IdTypes.Passport, "E12345678", "Maria Santos")));
        Assert.NotNull(PatientIdentityValidator.Validate(new PatientIdentity(IdTypes.Passport, "E12345678", " ")));
        Assert.NotNull(PatientIdentityValidator.Validate(new PatientIdentity("42", "E12345678", "Maria Santos")));
    }
}
