//! The first messages of a sample's conversation: an optional system
//! prompt, then the sample's input — a text input rendered through the
//! solver's template, or chat messages as given with the template applied to
//! the last user message.

use crate::provider::{Message, Role};
use crate::task::{self, Input, PromptTemplate};

/// The conversation a solver starts from: `system` (when given) first, then
/// the input. `choices` fill the template's `{choices}`; without a template
/// the input is sent as it is.
pub fn initial_messages(
    system: Option<&str>,
    input: &Input,
    choices: &[String],
    template: Option<&PromptTemplate>,
) -> Vec<Message> {
    let render = |text: &str| match template {
        Some(template) => template.render(text, choices),
        None => text.to_owned(),
    };
    let mut messages = Vec::with_capacity(match input {
        Input::Text(_) => 2,
        Input::Messages(list) => list.len() + 1,
    });
    if let Some(system) = system {
        messages.push(Message::system(system));
    }
    match input {
        Input::Text(text) => messages.push(Message::user(render(text))),
        Input::Messages(list) => {
            let last_user = list.iter().rposition(|m| m.role == task::Role::User);
            for (index, message) in list.iter().enumerate() {
                let content = if Some(index) == last_user {
                    render(&message.content)
                } else {
                    message.content.clone()
                };
                messages.push(Message {
                    role: role(message.role),
                    content: Some(content),
                    ..Message::default()
                });
            }
        }
    }
    messages
}

/// The provider's role for a dataset message's role.
fn role(role: task::Role) -> Role {
    match role {
        task::Role::System => Role::System,
        task::Role::User => Role::User,
        task::Role::Assistant => Role::Assistant,
        task::Role::Tool => Role::Tool,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::ChatMessage;

    fn template(text: &str) -> PromptTemplate {
        match PromptTemplate::parse(text) {
            Ok(t) => t,
            Err(e) => panic!("bad test template: {e}"),
        }
    }

    #[test]
    fn text_input_is_rendered_after_the_system_prompt() {
        let t = template("Q: {input}\n{choices}");
        let input = Input::Text("Port of SSH?".into());
        let messages = initial_messages(
            Some("Be brief."),
            &input,
            &["21".into(), "22".into()],
            Some(&t),
        );
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].role, Role::System);
        assert_eq!(messages[0].text(), "Be brief.");
        assert_eq!(messages[1].role, Role::User);
        assert_eq!(messages[1].text(), "Q: Port of SSH?\nA) 21\nB) 22");
    }

    #[test]
    fn without_a_template_the_input_is_sent_as_is() {
        let input = Input::Text("Find {input} literally".into());
        let messages = initial_messages(None, &input, &[], None);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].text(), "Find {input} literally");
    }

    #[test]
    fn chat_input_keeps_its_messages_and_templates_the_last_user_one() {
        let chat = |role, content: &str| ChatMessage {
            role,
            content: content.into(),
        };
        let input = Input::Messages(vec![
            chat(task::Role::System, "sys"),
            chat(task::Role::User, "first"),
            chat(task::Role::Assistant, "ok"),
            chat(task::Role::User, "second"),
        ]);
        let t = template("[{input}]");
        let messages = initial_messages(Some("top"), &input, &[], Some(&t));
        let shape: Vec<(Role, &str)> = messages.iter().map(|m| (m.role, m.text())).collect();
        assert_eq!(
            shape,
            [
                (Role::System, "top"),
                (Role::System, "sys"),
                (Role::User, "first"),
                (Role::Assistant, "ok"),
                (Role::User, "[second]"),
            ]
        );
    }
}
