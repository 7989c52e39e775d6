using System.Buffers.Binary;

namespace Workstation.Reports;

/// <summary>One face of a TrueType font file (.ttf, or the first face of a .ttc) that can be cut down to the glyphs a
/// document uses. SkiaSharp's PDF backend embeds the whole font program when it cannot subset it itself, which for
/// WenQuanYi Zen Hei means ~9.5 MB per report; the platform receives every report PDF base64-encoded, so each PDF
/// gets its own subset instead (tens of kilobytes).</summary>
/// <remarks>Glyph ids are preserved: unused glyphs become empty outlines, so <c>cmap</c>, <c>hmtx</c> and the
/// ToUnicode map Skia derives from them stay valid and the text stays extractable.</remarks>
internal sealed class TrueTypeSubset
{
    // Tables copied as they are; everything else (bitmaps, vertical metrics, layout tables, BDF) is dropped.
    private static readonly string[] Kept = ["OS/2", "cmap", "cvt ", "fpgm", "gasp", "hhea", "hmtx", "maxp", "name", "prep"];

    private readonly byte[] _file;
    private readonly Dictionary<string, (int Offset, int Length)> _tables;
    private readonly uint[] _loca;

    private TrueTypeSubset(byte[] file, Dictionary<string, (int Offset, int Length)> tables, uint[] loca)
    {
        _file = file;
        _tables = tables;
        _loca = loca;
    }

    public int GlyphCount => _loca.Length - 1;

    /// <summary>The first face of <paramref name="file"/>, or null when it is not a TrueType-outline font (CFF/OpenType
    /// fonts such as Noto CJK, which Skia would embed as Type 3).</summary>
    public static TrueTypeSubset? TryParse(byte[] file)
    {
        try
        {
            var face = Tag(file, 0) == "ttcf" ? (int)U32(file, 12) : 0;
            var tables = new Dictionary<string, (int, int)>();
            int count = U16(file, face + 4);
            for (var i = 0; i < count; i++)
            {
                var record = face + 12 + 16 * i;
                tables[Tag(file, record)] = ((int)U32(file, record + 8), (int)U32(file, record + 12));
            }
            if (!tables.TryGetValue("glyf", out _) || !tables.TryGetValue("loca", out var loca) ||
                !tables.TryGetValue("head", out var head) || !tables.TryGetValue("maxp", out var maxp) ||
                !tables.ContainsKey("cmap") || !tables.ContainsKey("hmtx") || !tables.ContainsKey("hhea"))
                return null;
            var glyphs = U16(file, maxp.Item1 + 4);
            var longOffsets = U16(file, head.Item1 + 50) == 1;
            var offsets = new uint[glyphs + 1];
            for (var i = 0; i <= glyphs; i++)
                offsets[i] = longOffsets ? U32(file, loca.Item1 + 4 * i) : U16(file, loca.Item1 + 2 * i) * 2u;
            return new TrueTypeSubset(file, tables, offsets);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // truncated or not a font
        }
    }

    /// <summary>A standalone .ttf holding the outlines of <paramref name="glyphs"/> (and their components) only.</summary>
    public byte[] Subset(IEnumerable<ushort> glyphs)
    {
        var used = new HashSet<ushort>();
        var pending = new Stack<ushort>(glyphs.Where(g => g < GlyphCount).Append((ushort)0)); // 0: .notdef
        var glyf = _tables["glyf"].Offset;
        while (pending.TryPop(out var g))
        {
            if (!used.Add(g)) continue;
            var start = glyf + (int)_loca[g];
            if (_loca[g + 1] <= _loca[g] || (short)U16(_file, start) >= 0) continue;
            // Composite glyph: keep its components too.
            var p = start + 10;
            ushort flags;
            do
            {
                flags = U16(_file, p);
                var component = U16(_file, p + 2);
                if (component < GlyphCount && !used.Contains(component)) pending.Push(component);
                p += 4 + ((flags & 0x0001) != 0 ? 4 : 2) + ((flags & 0x0008) != 0 ? 2 : (flags & 0x0040) != 0 ? 4 : (flags & 0x0080) != 0 ? 8 : 0);
            } while ((flags & 0x0020) != 0);
        }

        var newGlyf = new MemoryStream();
        var newLoca = new byte[4 * (GlyphCount + 1)];
        for (var g = 0; g < GlyphCount; g++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * g), (uint)newGlyf.Length);
            if (!used.Contains((ushort)g)) continue;
            newGlyf.Write(_file, glyf + (int)_loca[g], (int)(_loca[g + 1] - _loca[g]));
            while (newGlyf.Length % 4 != 0) newGlyf.WriteByte(0);
        }
        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * GlyphCount), (uint)newGlyf.Length);

        var tables = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var tag in Kept)
        {
            if (_tables.TryGetValue(tag, out var t)) tables[tag] = _file.AsSpan(t.Offset, t.Length).ToArray();
        }
        var head = _file.AsSpan(_tables["head"].Offset, _tables["head"].Length).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), 0); // checksumAdjustment: not recomputed, readers ignore it
        BinaryPrimitives.WriteInt16BigEndian(head.AsSpan(50), 1); // long loca
        tables["head"] = head;
        // Metrics of glyphs no page uses are never read: zeroed, they compress to nothing.
        var hmtx = tables["hmtx"];
        int metrics = U16(_file, _tables["hhea"].Offset + 34);
        for (var g = 0; g < GlyphCount; g++)
        {
            if (used.Contains((ushort)g)) continue;
            if (g < metrics) hmtx.AsSpan(4 * g, 4).Clear();
            else if (4 * metrics + 2 * (g - metrics) + 2 <= hmtx.Length) hmtx.AsSpan(4 * metrics + 2 * (g - metrics), 2).Clear();
        }
        tables["loca"] = newLoca;
        tables["glyf"] = newGlyf.ToArray();
        if (_tables.TryGetValue("post", out var post) && post.Length >= 32)
        {
            // Version 3: no glyph names (450 KB of them in WenQuanYi), same metrics.
            var header = _file.AsSpan(post.Offset, 32).ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(header, 0x00030000);
            tables["post"] = header;
        }
        return Write(tables);
    }

    private static byte[] Write(SortedDictionary<string, byte[]> tables)
    {
        var count = tables.Count;
        var power = 1;
        var log2 = 0;
        while (power * 2 <= count)
        {
            power *= 2;
            log2++;
        }
        var headerLength = 12 + 16 * count;
        var output = new byte[headerLength + tables.Values.Sum(t => (t.Length + 3) & ~3)];
        var span = output.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], (ushort)(power * 16));
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], (ushort)log2);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)(count * 16 - power * 16));
        var record = 12;
        var offset = headerLength;
        foreach (var (tag, data) in tables)
        {
            for (var i = 0; i < 4; i++) output[record + i] = (byte)tag[i];
            data.CopyTo(span[offset..]);
            BinaryPrimitives.WriteUInt32BigEndian(span[(record + 4)..], Checksum(span.Slice(offset, (data.Length + 3) & ~3)));
            BinaryPrimitives.WriteUInt32BigEndian(span[(record + 8)..], (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(span[(record + 12)..], (uint)data.Length);
            record += 16;
            offset += (data.Length + 3) & ~3;
        }
        return output;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 4 <= data.Length; i += 4) sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        return sum;
    }

    private static string Tag(byte[] file, int offset) => System.Text.Encoding.ASCII.GetString(file, offset, 4);

    private static ushort U16(byte[] file, int offset) => BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(offset, 2));

    private static uint U32(byte[] file, int offset) => BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset, 4));
}
