using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workstation.Portal.BloodUse;

/// <summary>The seed-001 envelope: <c>success</c>, <c>data</c> and <c>erroMessage</c> (spelled as the provincial client
/// reads it). Every answer of the interface, success or failure, has this shape.</summary>
internal sealed record BloodUseEnvelope<T>(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("data")] T? Data,
    [property: JsonPropertyName("erroMessage")] string? ErroMessage) where T : class;

/// <summary><c>data</c> of <c>/token</c>: the token and its lifetime in seconds (a string, as in the seed's sample).</summary>
internal sealed record BloodUseTokenData(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_in")] string ExpiresIn);

/// <summary><c>data</c> of <c>/blduseinfo</c>.</summary>
internal sealed record BloodUseInfo(
    [property: JsonPropertyName("bldUser")] BloodUser BldUser,
    [property: JsonPropertyName("chargeBills")] IReadOnlyList<ChargeBill> ChargeBills);

/// <summary>患者信息: birthday <c>yyyy-MM-dd</c>; hisId = organisation code + "_" + inpatient number.</summary>
internal sealed record BloodUser(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("identityNumber")] string IdentityNumber,
    [property: JsonPropertyName("birthday")] string Birthday,
    [property: JsonPropertyName("hisId")] string HisId);

/// <summary>用血票据: one discharge settlement. <c>actualCost</c> is a decimal string ("1380.00") as in the sample;
/// <c>consumptionDatetime</c> is <c>yyyy-MM-dd</c>.</summary>
internal sealed record ChargeBill(
    [property: JsonPropertyName("serialNumber")] string SerialNumber,
    [property: JsonPropertyName("actualCost")] string ActualCost,
    [property: JsonPropertyName("consumptionDatetime")] string ConsumptionDatetime,
    [property: JsonPropertyName("products")] IReadOnlyList<BloodProductUse> Products);

/// <summary>血液产品信息 (the sample's <c>"donCode "</c>, <c>"prodCode "</c>, <c>"prodClassCode "</c> without the stray
/// space: docs/decisions/0011-blood-use-contract.md). <c>volume</c> and <c>money</c> are JSON numbers.</summary>
internal sealed record BloodProductUse(
    [property: JsonPropertyName("donCode")] string DonCode,
    [property: JsonPropertyName("prodCode")] string ProdCode,
    [property: JsonPropertyName("prodClassCode")] string ProdClassCode,
    [property: JsonPropertyName("prodClassName")] string ProdClassName,
    [property: JsonPropertyName("volume")] decimal Volume,
    [property: JsonPropertyName("rh")] string Rh,
    [property: JsonPropertyName("money")] decimal Money);

/// <summary>Failure texts shown to the reduction system's operators (plain Chinese, no detail an attacker can use).</summary>
internal static class BloodUseMessages
{
    public const string MissingCredentials = "缺少用户名(id)或密码(password)";
    public const string WrongCredentials = "用户名或密码错误";
    public const string Locked = "密码错误次数过多，账户已锁定，请{0}分钟后再试";
    public const string BadToken = "token无效或已过期，请重新获取token";
    public const string MissingIdentity = "缺少患者证件号(identityNumber)";
    public const string BadIdentity = "患者证件号格式错误或校验位不正确（应为18位居民身份证号）";
    public const string UnknownPatient = "HIS中没有该证件号的住院患者";
    public const string HisUnavailable = "HIS系统暂时无法访问，请稍后再试";
    public const string Internal = "系统繁忙，请稍后再试";
    public const string NotFound = "接口不存在";
}

/// <summary>The interface's JSON: nulls written (the envelope always has its three fields), Chinese not escaped.</summary>
internal static class BloodUseJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    // Read-only from the start: Results.Json would otherwise set a resolver on first use, racing concurrent requests.
    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }

    public static IResult Ok<T>(T data) where T : class =>
        Results.Json(new BloodUseEnvelope<T>(true, data, null), Options, "application/json; charset=utf-8");

    /// <summary>Failures keep HTTP 200 unless the path does not exist: the provincial client reads <c>success</c>
    /// and <c>erroMessage</c> (decision 0011).</summary>
    public static IResult Fail(string message, int status = StatusCodes.Status200OK) =>
        Results.Json(new BloodUseEnvelope<object>(false, null, message), Options, "application/json; charset=utf-8", status);
}
