//! The controls panel: every row of the knob table, grouped, each rendered by the one
//! generic [`ParamControl`].

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::format;
use crate::app::state::Action;
use crate::core::model::knobs::{table, Group, Kind, ParamSpec, Value};
use crate::core::model::Params;

/// A table row by reference, compared by address (rows are `'static`).
#[derive(Debug, Clone, Copy)]
pub struct SpecRef(pub &'static ParamSpec);

impl PartialEq for SpecRef {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

/// Props of [`ParamControl`].
#[derive(Properties, PartialEq)]
pub struct ParamControlProps {
    /// The table row.
    pub spec: SpecRef,
    /// Its current value.
    pub value: Value,
    /// Why the knob currently has no effect, if it has none.
    #[prop_or_default]
    pub note: Option<AttrValue>,
    /// Where changes go.
    pub dispatch: Callback<Action>,
}

/// The DOM id of a parameter's input (unique: table ids are unique).
pub fn input_id(param_id: &str) -> String {
    format!("param-{param_id}")
}

/// One control, whatever its kind: a slider with its readout, a select or a switch, with its
/// label, unit, range and help text.
#[function_component(ParamControl)]
pub fn param_control(props: &ParamControlProps) -> Html {
    let spec = props.spec.0;
    let id = input_id(spec.url);
    let help_id = format!("{id}-help");
    let readout = format::param_value(spec, &props.value);

    let label = html! { <label for={id.clone()}>{ spec.label }</label> };
    let (kind_class, body) = match (spec.kind, &props.value) {
        (Kind::Number { slider, .. } | Kind::Integer { slider, .. }, value) => {
            let current = match value {
                Value::Number(x) => *x,
                _ => slider.min,
            };
            // A link or a file may carry a value beyond the slider (within validation's
            // limits): the slider widens to show it, and the range sentence says so.
            let (shown, _) = format::slider_for(spec, current).unwrap_or((slider, false));
            let (min, max, step) = (shown.min, shown.max, shown.step);
            let dispatch = props.dispatch.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                let Some(input) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                else {
                    return;
                };
                let x = input.value_as_number();
                if x.is_finite() {
                    dispatch.emit(Action::SetParam {
                        id: spec.id,
                        value: Value::Number(x),
                    });
                }
            });
            let (number, unit_line) = format::readout_parts(spec, current);
            let body = html! {
                <>
                    <div class="control-head">
                        <div class="label-block">
                            { label }
                            if let Some(unit) = unit_line {
                                <span class="unit">{ unit }</span>
                            }
                        </div>
                        <output class="readout" for={id.clone()}>{ number }</output>
                    </div>
                    <input type="range" id={id.clone()} name={spec.url}
                        min={min.to_string()} max={max.to_string()} step={step.to_string()}
                        value={current.to_string()}
                        aria-describedby={help_id.clone()}
                        aria-valuetext={readout.clone()}
                        {oninput} />
                </>
            };
            ("control-slider", body)
        }
        (Kind::Choice { options }, value) => {
            let current = match value {
                Value::Choice(c) => c.clone(),
                _ => String::new(),
            };
            let dispatch = props.dispatch.clone();
            let onchange = Callback::from(move |e: Event| {
                let Some(select) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                else {
                    return;
                };
                dispatch.emit(Action::SetParam {
                    id: spec.id,
                    value: Value::Choice(select.value()),
                });
            });
            let body = html! {
                <>
                    <div class="control-head">{ label }</div>
                    <select id={id.clone()} name={spec.url} aria-describedby={help_id.clone()} {onchange}>
                        { for options.iter().map(|(value, label)| html! {
                            <option value={*value} selected={*value == current}>{ *label }</option>
                        }) }
                    </select>
                </>
            };
            ("control-select", body)
        }
        (Kind::Switch, value) => {
            let on = matches!(value, Value::Flag(true));
            let dispatch = props.dispatch.clone();
            let onchange = Callback::from(move |e: Event| {
                let Some(input) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                else {
                    return;
                };
                dispatch.emit(Action::SetParam {
                    id: spec.id,
                    value: Value::Flag(input.checked()),
                });
            });
            let body = html! {
                <div class="control-head">
                    { label }
                    <span class="switch">
                        <span class="switch-state" aria-hidden="true">{ readout.clone() }</span>
                        <input type="checkbox" role="switch" id={id.clone()} name={spec.url}
                            checked={on} aria-describedby={help_id.clone()} {onchange} />
                    </span>
                </div>
            };
            ("control-toggle", body)
        }
    };

    // Select options are visible in the control itself: only sliders state their range.
    let range = match spec.kind {
        Kind::Number { .. } | Kind::Integer { .. } => {
            format::range_sentence_for(spec, &props.value)
        }
        Kind::Switch | Kind::Choice { .. } => String::new(),
    };
    let needs = format::needs_sentence(spec);
    let classes = classes!(
        "control",
        kind_class,
        props.note.as_ref().map(|_| "inactive")
    );
    html! {
        <div class={classes} data-param={spec.url}>
            { body }
            <p class="help" id={help_id}>
                { spec.help }
                { needs }
                <span class="range">{ range }</span>
                if let Some(note) = &props.note {
                    <span class="note">{ format!(" {note}") }</span>
                }
            </p>
        </div>
    }
}

/// Props of [`ControlsPanel`].
#[derive(Properties, PartialEq)]
pub struct ControlsPanelProps {
    /// The configuration shown.
    pub params: Rc<Params>,
    /// Where changes go.
    pub dispatch: Callback<Action>,
}

/// Every control, grouped under the table's group headings.
#[function_component(ControlsPanel)]
pub fn controls_panel(props: &ControlsPanelProps) -> Html {
    let defaults = Params::default();
    let group_html = |group: Group| {
        let rows: Vec<&'static ParamSpec> = table().iter().filter(|s| s.group == group).collect();
        if rows.is_empty() {
            return Html::default();
        }
        // A native disclosure: keyboard operable. The groups people use most start open, the
        // others collapsed unless one of their knobs differs from its default (a preset or a
        // link that changed it opens the group to show it).
        let open = group.common()
            || rows
                .iter()
                .any(|spec| (spec.get)(&props.params) != (spec.get)(&defaults));
        html! {
            <details class="control-group" {open} data-group={group_slug(group)}>
                <summary><h3>{ group.label() }</h3></summary>
                { for rows.into_iter().map(|spec| html! {
                    <ParamControl key={spec.url} spec={SpecRef(spec)}
                        value={(spec.get)(&props.params)}
                        note={spec.inactive_note(&props.params).map(AttrValue::from)}
                        dispatch={props.dispatch.clone()} />
                }) }
            </details>
        }
    };
    html! {
        <div class="controls" role="group" aria-label="Model parameters">
            { for Group::ALL.into_iter().map(group_html) }
        </div>
    }
}

/// A lowercase slug for DOM ids and CSS (`Group::AdLoad` → `ad-load`).
pub fn group_slug(group: Group) -> String {
    crate::config::slug::slug(group.label(), '-')
}
