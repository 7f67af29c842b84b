using System.Text;
using Istore.Net.Resp;

namespace Istore.Tests.Net;

/// <summary>InlineSplitter's words as Redis's sdssplitargs gives them: quotes open anywhere in a word, escapes, and the unbalanced cases.</summary>
public class InlineSplitterTests
{
    [Theory]
    [InlineData("#!lua name=\"foo\"", new[] { "#!lua", "name=foo" })]
    [InlineData("a\"b c\" d", new[] { "ab c", "d" })]
    [InlineData("  set 'it\\'s' \"x\\x41\\n\"  ", new[] { "set", "it's", "xA\n" })]
    [InlineData("\"\" x", new[] { "", "x" })]
    [InlineData("", new string[0])]
    public void Words_are_split_as_sdssplitargs_splits_them(string line, string[] words) =>
        Assert.Equal(words, InlineSplitter.Words(Encoding.UTF8.GetBytes(line)));

    [Theory]
    [InlineData("name=\"foo")]
    [InlineData("\"x\"y")]
    [InlineData("a 'b")]
    public void Unbalanced_quotes_give_no_words(string line) =>
        Assert.Null(InlineSplitter.Words(Encoding.UTF8.GetBytes(line)));
}
