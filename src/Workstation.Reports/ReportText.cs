using System.Text;
using SkiaSharp;

namespace Workstation.Reports;

/// <summary>Text rules of printed reports: masking identity numbers and wrapping mixed Chinese/Latin text.</summary>
public static class ReportText
{
    /// <summary>Masks an identity number as hospitals print it: a resident ID keeps its 6-digit region and its last 4
    /// characters (110101********1234); shorter documents keep 2 and 2.</summary>
    public static string MaskIdNumber(string idNumber)
    {
        var id = idNumber.Trim();
        var (head, tail) = id.Length >= 15 ? (6, 4) : id.Length >= 7 ? (2, 2) : (0, 1);
        if (id.Length <= head + tail) return id;
        return id[..head] + new string('*', id.Length - head - tail) + id[^tail..];
    }

    /// <summary>Breaks <paramref name="text"/> into lines no wider than <paramref name="width"/> as measured by
    /// <paramref name="font"/>: Chinese may break between any two characters, Latin words and numbers stay whole
    /// unless longer than a line, and closing punctuation never starts a line. Newlines start new paragraphs.</summary>
    public static IReadOnlyList<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var line = new List<(string Text, float Width)>();
        var lineWidth = 0f;
        foreach (var paragraph in text.Replace("\r\n", "\n").Split('\n'))
        {
            var before = lines.Count;
            foreach (var token in Tokens(paragraph))
            {
                var tokenWidth = font.MeasureText(token);
                if (lineWidth + tokenWidth <= width)
                {
                    if (line.Count > 0 || token != " ") Add(token, tokenWidth);
                }
                else if (token == " ")
                {
                    Flush();
                }
                else if (IsClosingPunctuation(token) && line.Count > 1 && !IsClosingPunctuation(line[^1].Text))
                {
                    // Closing punctuation never starts a line: the character before it moves down with it.
                    var last = line[^1];
                    line.RemoveAt(line.Count - 1);
                    lineWidth -= last.Width;
                    Flush();
                    Add(last.Text, last.Width);
                    Add(token, tokenWidth);
                }
                else if (tokenWidth > width)
                {
                    // A word longer than a line (a URL, a long code): break it between characters.
                    foreach (var ch in token)
                    {
                        var w = font.MeasureText(ch.ToString());
                        if (lineWidth + w > width) Flush();
                        Add(ch.ToString(), w);
                    }
                }
                else
                {
                    Flush();
                    Add(token, tokenWidth);
                }
            }
            Flush();
            if (lines.Count == before) lines.Add(""); // an empty paragraph is a blank line
        }
        return lines;

        void Add(string token, float w)
        {
            line.Add((token, w));
            lineWidth += w;
        }

        void Flush()
        {
            if (line.Count == 0) return;
            lines.Add(string.Concat(line.Select(t => t.Text)).TrimEnd());
            line.Clear();
            lineWidth = 0;
        }
    }

    /// <summary>Each CJK character (or surrogate pair) alone, each space alone, runs of anything else together.</summary>
    private static IEnumerable<string> Tokens(string paragraph)
    {
        var word = new StringBuilder();
        for (var i = 0; i < paragraph.Length; i++)
        {
            var ch = paragraph[i];
            if (char.IsWhiteSpace(ch) || IsCjk(ch) || char.IsHighSurrogate(ch))
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
                if (char.IsWhiteSpace(ch)) yield return " ";
                else if (char.IsHighSurrogate(ch) && i + 1 < paragraph.Length) yield return paragraph.Substring(i++, 2);
                else yield return ch.ToString();
                continue;
            }
            word.Append(ch);
        }
        if (word.Length > 0) yield return word.ToString();
    }

    private static bool IsCjk(char ch) => ch >= '\u2E80' && ch <= '\u9FFF' || ch >= '\uF900' && ch <= '\uFAFF' || ch >= '\uFF00' && ch <= '\uFFEF';

    private static bool IsClosingPunctuation(string token) => token.Length == 1 && "，。、；：？！）》」』】,.;:?!)%".Contains(token[0]);
}
