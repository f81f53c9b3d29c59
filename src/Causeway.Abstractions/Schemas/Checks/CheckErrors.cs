using System.Text;
using Causeway.Errors;

namespace Causeway.Schemas;

/// <summary>The one shape of every check parse error: "Check '…': what went wrong at N." with N
/// counted from 1, so a schema author can find the spot.</summary>
internal static class CheckErrors
{
    public static InvalidInputException At(string text, int position, string what) =>
        new(ErrorCodes.InvalidValue, $"Check '{Quote(text)}': {what} at {position + 1}.");

    /// <summary>Source text for a message: clipped, control characters and lone surrogates shown as '?',
    /// so the message stays one printable line.</summary>
    public static string Quote(string text)
    {
        const int max = 48;
        var sb = new StringBuilder();
        for (int i = 0; i < text.Length && i < max; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair && i + 1 < max) sb.Append(c).Append(text[++i]);
            else sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }
        return text.Length > sb.Length ? sb.Append('…').ToString() : sb.ToString();
    }
}
