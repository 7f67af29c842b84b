namespace Istore.Node.Acl;

/// <summary>
/// A user as connections hold it: the name, and the current rules, replaced whole by ACL SETUSER
/// (a volatile read on the command path, no lock).
/// </summary>
internal sealed class AclUser(string name, AclRules rules)
{
    private volatile AclRules _rules = rules;

    public string Name { get; } = name;

    public AclRules Rules
    {
        get => _rules;
        set => _rules = value;
    }

    /// <summary>True once ACL DELUSER removed it: its connections are being closed.</summary>
    public bool Deleted { get; set; }

    /// <summary>Redis's credentials check: enabled, and nopass or one password matching.</summary>
    public bool Accepts(string password)
    {
        var rules = Rules;
        if (!rules.Enabled)
            return false;
        if (rules.NoPass)
            return true;
        var hash = System.Text.Encoding.ASCII.GetBytes(AclRules.Hash(password));
        bool matched = false;
        foreach (var stored in rules.Passwords)
            matched |= System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(hash, System.Text.Encoding.ASCII.GetBytes(stored));
        return matched;
    }
}
