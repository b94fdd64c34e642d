/// The reminder templates shipped with Relance, copied into a new workspace's `templates/` folder
/// by `relance init`, where a finance team edits them (`docs/TEMPLATES.md` lists the variables).
///
/// One text template per language and ladder step: its first line is `Subject: …`, then a blank
/// line, then the body. The body is used three ways: the plain-text e-mail, the HTML e-mail (its
/// paragraphs inside `layout.html`) and the PDF letter (its paragraphs around the table). The line
/// `{{statement}}` marks where the statement of account goes.
///
/// The files are `Sources/Dunning/Content/templates/**`: the build embeds them as string constants
/// (the `EmbedDunningContent` plugin), so the binary carries them wherever it is copied.
package enum DefaultTemplates {
    /// `templates/<language>/<step template>.mustache` for every language and template name, and
    /// `templates/layout.html.mustache`, keyed by their path under `templates/`.
    package static let files: [String: String] = EmbeddedContent.templates
}
