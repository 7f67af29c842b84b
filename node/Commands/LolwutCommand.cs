using System.Text;

namespace Istore.Node.Commands;

/// <summary>LOLWUT [VERSION v]: a small piece of generated art (a Sierpinski triangle) and the version.</summary>
internal static class LolwutCommand
{
    public static void Execute(CommandContext c)
    {
        if (c.Count >= 3 && c.ArgIs(1, "VERSION"u8) && !c.TryInt64(2, out _))
            return;
        const int Size = 16;
        var text = new StringBuilder();
        for (int y = 0; y < Size; y++)
        {
            text.Append(' ', Size - y - 1);
            for (int x = 0; x <= y; x++)
                text.Append((x & (y - x)) == 0 ? "* " : "  ");
            text.Append('\n');
        }
        text.Append("\nSierpinski, in bits. Redis ver. ").Append(Hosting.NodeServer.Version).Append('\n');
        c.Output.WriteVerbatimText(text.ToString());
    }
}
