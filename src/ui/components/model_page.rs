//! The "Model" tab: the equations and assumptions behind every knob, with references. The knob
//! list is rendered from the knob table, so it cannot drift from the controls; the
//! equations follow the engine's documentation (`core::model::engine`, `core::auction`,
//! `core::feed`), and the model's fixed numbers (pacing factors, ROI weight, churn window,
//! growth threshold, automatic shading…) are formatted in from [`crate::core::model::constants`],
//! so the page cannot disagree with the engine.

use yew::prelude::*;

use crate::app::format;
use crate::app::model_text::{learning_equations, pacing_equations, strategy_equations};
use crate::core::model::constants::{
    AUTO_SHADING_FIRST_PRICE, CHURN_MIN_DAYS_WITH_SPEND, FATIGUE_PER_IMPRESSION,
    GROWTH_MIN_BUDGET_SPENT, HOURS, INTEREST_CONCENTRATION, PACING_MAX_MULTIPLIER, PACING_RECOVERY,
    PACING_SLOWDOWN, QUALITY_TERCILES, ROI_WEIGHT_TODAY, USER_CLICK_SIGMA, USER_ORGANIC_SIGMA,
    USER_VISIT_SIGMA,
};
use crate::core::model::knobs::{table, Group};
use crate::ui::components::controls::group_slug;

/// A displayed equation.
fn eq(text: impl Into<String>) -> Html {
    let text: String = text.into();
    html! { <pre class="eq">{ text }</pre> }
}

/// A fraction as a whole percentage: `0.9` → `90%` (rounded, so `0.9 · 100`'s last bit never
/// shows).
fn percent(fraction: f64) -> String {
    format!("{:.0}%", fraction * 100.0)
}

/// The advertisers' dynamics, with the engine's constants.
fn advertiser_equations() -> String {
    format!(
        "Pacing: after hour h, if spend > budget · (h+1)/{HOURS} then multiplier × {PACING_SLOWDOWN} else × {PACING_RECOVERY} (capped at {PACING_MAX_MULTIPLIER})\n\
         ROI = value / spend;   EWMA ROI (weight {ROI_WEIGHT_TODAY} on today, about a week's memory)\n\
         Churn: after {CHURN_MIN_DAYS_WITH_SPEND} days with spend, EWMA ROI < target ⇒ leave with the churn probability\n\
         Growth: ROI ≥ target and ≥ {growth} of budget spent ⇒ budget × (1 + growth)\n\
         Arrivals: Poisson(arrival rate) new advertisers per day;  launch: a cohort joins on the launch day",
        growth = percent(GROWTH_MIN_BUDGET_SPENT),
    )
}

/// A citation link to the references list.
fn cite(key: &'static str, text: &'static str) -> Html {
    html! { <a class="cite" href={format!("#ref-{key}")}>{ text }</a> }
}

/// The references, in citation order: (anchor, full reference).
pub const REFERENCES: &[(&str, &str)] = &[
    ("vickrey", "Vickrey, W. (1961). Counterspeculation, auctions, and competitive sealed tenders. Journal of Finance, 16(1), 8–37."),
    ("myerson", "Myerson, R. B. (1981). Optimal auction design. Mathematics of Operations Research, 6(1), 58–73."),
    ("riley", "Riley, J. G., & Samuelson, W. F. (1981). Optimal auctions. American Economic Review, 71(3), 381–392."),
    ("eos", "Edelman, B., Ostrovsky, M., & Schwarz, M. (2007). Internet advertising and the generalized second-price auction: Selling billions of dollars worth of keywords. American Economic Review, 97(1), 242–259."),
    ("varian", "Varian, H. R. (2007). Position auctions. International Journal of Industrial Organization, 25(6), 1163–1178."),
    ("lahaie", "Lahaie, S., & Pennock, D. M. (2007). Revenue analysis of a family of ranking rules for keyword auctions. Proceedings of the 8th ACM Conference on Electronic Commerce (EC '07)."),
    ("yan", "Yan, J., Xu, Z., Tiwana, B., & Chatterjee, S. (2020). Ads allocation in feed via constrained optimization. Proceedings of the 26th ACM SIGKDD Conference (KDD '20)."),
    ("hohnhold", "Hohnhold, H., O'Brien, D., & Tang, D. (2015). Focusing on the long-term: It's good for users and business. Proceedings of the 21st ACM SIGKDD Conference (KDD '15)."),
    ("goldstein", "Goldstein, D. G., McAfee, R. P., & Suri, S. (2013). The cost of annoying ads. Proceedings of the 22nd International World Wide Web Conference (WWW '13)."),
    ("huang", "Huang, J., Reiley, D. H., & Riabov, N. M. (2018). Measuring consumer sensitivity to audio advertising: A field experiment on Pandora internet radio. Working paper; Quantitative Marketing and Economics (2025)."),
    ("balseiro-gur", "Balseiro, S. R., & Gur, Y. (2019). Learning in repeated auctions with budgets: Regret minimization and equilibrium. Management Science, 65(9), 3952–3968."),
    ("aggarwal", "Aggarwal, G., Badanidiyuru, A., & Mehta, A. (2019). Autobidding with constraints. Web and Internet Economics (WINE 2019), Lecture Notes in Computer Science 11920, 17–30."),
    ("jeunen", "Jeunen, O., Murphy, S., & Allison, B. (2022). Learning to bid with AuctionGym. AdKDD workshop at KDD '22; extended as Off-policy learning-to-bid with AuctionGym, KDD '23."),
    ("bkmm", "Balseiro, S. R., Kim, A., Mahdian, M., & Mirrokni, V. (2021). Budget-management strategies in repeated auctions. Operations Research, 69(3), 859–876 (WWW '17)."),
    ("conitzer-fppe", "Conitzer, V., Kroer, C., Panigrahi, D., Schrijvers, O., Stier-Moses, N. E., Sodomka, E., & Wilkens, C. A. (2022). Pacing equilibrium in first price auction markets. Management Science, 68(12), 8515–8535."),
    ("conitzer-sppe", "Conitzer, V., Kroer, C., Sodomka, E., & Stier-Moses, N. E. (2022). Multiplicative pacing equilibria in auction markets. Operations Research, 70(2), 963–989."),
];

/// The Model tab.
#[function_component(ModelPage)]
pub fn model_page() -> Html {
    html! {
        <article class="model-page card">
            <header class="model-intro">
                <h2>{ "The model" }</h2>
                <p>{ "Marketplace Sandbox simulates a social feed day by day: users visit, each feed session mixes organic items and ads chosen by an auction, advertisers pay per click, users tire of ads, and advertisers pace their budgets, leave when their return is poor and arrive over time. Every number on the Sandbox tab comes from the equations below, run by the same Rust engine that the command-line tool uses, so a shared link reproduces the same numbers exactly." }</p>
                <p>{ "Conventions: money is in abstract currency units; bids, reserves and prices are per click; time is in days (a day is split into " }{ HOURS }{ " hours for budget pacing); feed positions are 1-based; probabilities lie in [0, 1]. Clicks, impressions and spend inside a session are accumulated as expected values; only which users visit, which advertisers churn and how many arrive are drawn at random." }</p>
                <nav class="toc" aria-label="On this page">
                    <a href="#m-users">{ "Users" }</a>
                    <a href="#m-session">{ "One session" }</a>
                    <a href="#m-auction">{ "Auction and prices" }</a>
                    <a href="#m-feed">{ "Ad load" }</a>
                    <a href="#m-fatigue">{ "Fatigue" }</a>
                    <a href="#m-advertisers">{ "Advertisers" }</a>
                    <a href="#m-bidding">{ "Bidding and pacing" }</a>
                    <a href="#m-promotion">{ "Promotional bandwidth" }</a>
                    <a href="#m-metrics">{ "Metrics" }</a>
                    <a href="#m-theory">{ "Theory checks" }</a>
                    <a href="#m-knobs">{ "Every knob" }</a>
                    <a href="#m-refs">{ "References" }</a>
                </nav>
            </header>

            <section id="m-users">
                <h3>{ "Users" }</h3>
                <p>{ format!("Each user belongs to a segment (casual, regular, heavy by default; the heavy-user tilt reweights their shares by exp(tilt · 2 · (i/(S−1) − ½))) and draws, once, a visit rate v, an ad click propensity c, an organic engagement propensity o and interest weights I[category] around the segment's values (log-normal noise that keeps the mean, log-spread σ = {USER_VISIT_SIGMA} for v, {USER_CLICK_SIGMA} for c, {USER_ORGANIC_SIGMA} for o; Dirichlet interests with concentration {INTEREST_CONCENTRATION} per category, scaled to mean 1). Fatigue F starts at 0.") }</p>
                <p>{ "Each day a user has a Poisson number of sessions, fewer when tired (" }{ cite("goldstein", "Goldstein, McAfee & Suri 2013") }{ "; " }{ cite("huang", "Huang, Reiley & Riabov 2018") }{ "):" }</p>
                { eq("sessions ~ Poisson( v · e^(−γ·F) )        γ = visit sensitivity") }
            </section>

            <section id="m-session">
                <h3>{ "One session" }</h3>
                <p>{ "Click propensity of ad i for user u is slot-independent (\"separable CTRs\"): the click-through rate in a slot is this propensity times the slot's position effect." }</p>
                { eq("e_ui = c_u · e^(−β·F_u) · 2·quality_i · m_i · I_u[cat_i]\n\nβ = ad blindness,  m_i = CTR multiplier (1 except for a launched offering)") }
                <p>{ "Candidates are the active advertisers with budget left, under the frequency cap for this user today, whose targeting matches and whose bid clears the reserve. The bid per click is value · (1 − shading) · pacing multiplier. The ranking utility, in currency per impression, adds the platform's other goals to the bid term:" }</p>
                { eq("U_ui = w_rev · bid_i · e_ui^q  +  w_eng · a · e_ui  +  w_qual · quality_i  −  w_fat · ΔF_ui\n\nq = squashing exponent,  a = ad engagement per unit click propensity,\nΔF_ui = the fatigue this impression would add (see Fatigue)") }
                <p>{ "The top max_ads + 1 candidates by U are kept (optionally skipping an ad that would follow one of the same category). The user scrolls: position 1 is viewed, and the user goes on from position p with probability 1 − h_p, so ads make sessions shorter:" }</p>
                { eq("h_p = 1/depth + h_ad · (ads seen so far)        h_ad = exit hazard per ad\ns_p = probability that position p is viewed") }
                <p>{ "Outcomes are expected values. An ad at position p earns s_p impressions and s_p · e_ui · g_p clicks, where the gap effect g_p = 1 − gap_penalty/d penalises an ad d positions after the previous ad (" }{ cite("yan", "Yan et al. 2020") }{ "). The advertiser pays price × clicks and gains value × clicks. Organic item r viewed at p yields s_p · o_u · ρ^(r−1) engagements; an ad yields s_p · a · e_ui." }</p>
            </section>

            <section id="m-auction">
                <h3>{ "Auction and prices" }</h3>
                <p>{ "Ads are ranked by U and priced per click over the placed ads in rank order plus the first unplaced candidate. With bonus_i the non-bid terms of U:" }</p>
                { eq("First price:  p_k = b_k\nGSP:          p_k = (U_(k+1) − bonus_k) / (w_rev · e_k^q),  clamped to [reserve, b_k]\nVCG:          T_k = Σ_(j=k..K) (α_j − α_(j+1)) · U_(j+1),   p_k = (T_k/α_k − bonus_k) / (w_rev · e_k^q)") }
                <p>{ "With one slot, q = 1, unit weights and no bonus, GSP is Vickrey's second-price auction (" }{ cite("vickrey", "Vickrey 1961") }{ "), where bidding one's value is dominant; VCG charges each winner its externality on the others, and its position-auction payment is the textbook Σ (α_j − α_(j+1)) · v_(j+1). VCG uses the attention weights w_p = 1/log2(p+1) at the ads' positions as slot CTRs α. GSP is not truthful in general; its lowest envy-free equilibrium has VCG's allocation and payments (" }{ cite("eos", "Edelman, Ostrovsky & Schwarz 2007") }{ "; " }{ cite("varian", "Varian 2007") }{ "). The sandbox's advertisers bid their value in GSP and VCG by default and shade " }{ percent(AUTO_SHADING_FIRST_PRICE) }{ " in first price — the symmetric equilibrium with uniform values shades by 1/n, about 30% with three competitors (" }{ cite("riley", "Riley & Samuelson 1981") }{ "); a custom shading overrides both." }</p>
                <p>{ "The squashing exponent q is Lahaie & Pennock's ranking family (" }{ cite("lahaie", "Lahaie & Pennock 2007") }{ "): q = 0 ranks by bid, q = 1 by expected revenue per impression, and intermediate q trades efficiency for revenue. The reserve floors prices and removes low bids; Myerson's optimal reserve solves φ(r) = r − (1 − F(r))/f(r) = 0 (" }{ cite("myerson", "Myerson 1981") }{ "), so raising the reserve from zero first raises revenue per click, then loses more sales than it gains." }</p>
            </section>

            <section id="m-feed">
                <h3>{ "Ad load: blending ads into the feed" }</h3>
                <p>{ "Organic items and ads are ranked separately, then blended keeping each list's order, under guardrails that bind every policy: no ad before the top ad slot, consecutive ads at least the minimum gap apart, at most max ads per session (" }{ cite("yan", "Yan et al. 2020") }{ ")." }</p>
                { eq("Fixed:      ads at first, first + every, first + 2·every, …\nThreshold:  at each allowed position place the next ad iff  U_ad ≥ θ · u_org\nExact:      the layout maximising  Σ_p w_p (r_p + λ·u_p),   w_p = 1/log2(p+1)") }
                <p>{ "Here r = bid · e (expected revenue per view) and u the item's engagement. The threshold rule is LinkedIn's greedy Lagrangian serving rule; the exact policy solves each request's layout by dynamic programming, because a greedy slot-by-slot rule ignores that displacing an organic item shifts every later one down. Higher θ or λ means fewer ads and more engagement." }</p>
            </section>

            <section id="m-fatigue">
                <h3>{ "Fatigue (long-term ad blindness)" }</h3>
                <p>{ "Every ad impression adds fatigue; low-quality ads add more, because users learn to ignore ads mostly from their quality rather than their count (" }{ cite("hohnhold", "Hohnhold, O'Brien & Tang 2015") }{ "):" }</p>
                { eq(format!("ΔF_ui = k · σ_u · ( κ + (1 − κ) · 2·(1 − quality_i) )      k = {FATIGUE_PER_IMPRESSION},  κ = fatigue from ad count\nend of day:  F ← F · 2^(−1/half_life) + Σ ΔF")) }
                <p>{ "Under a constant load fatigue approaches its steady state along 1 − e^(−βt), β = ln 2 / half-life — Hohnhold et al.'s learning curve (they measured a half-life of about 60 days on desktop). Tired users click less (blindness), visit less (visit sensitivity) and, through fewer sessions and clicks, the short-term revenue gain of a higher ad load shrinks over the run: compare the first and last week. With fatigue off, nothing in the user model depends on time." }</p>
            </section>

            <section id="m-advertisers">
                <h3>{ "Advertisers" }</h3>
                <p>{ "Each advertiser has a category, a value per click (log-normal with the given mean and log-spread σ), a daily budget (log-normal), an ad quality (Beta with the given mean and standard deviation) and, with the targeted share's probability, targeting: it competes only for users with above-average interest in its category." }</p>
                { eq(advertiser_equations()) }
                <p>{ "An advertiser stops competing once its spend reaches its budget, so a day's spend exceeds the budget by at most one click's price. Spend is reported by quality tercile of incumbents (below " }{ QUALITY_TERCILES.0 }{ ", " }{ QUALITY_TERCILES.0 }{ "–" }{ QUALITY_TERCILES.1 }{ ", above " }{ QUALITY_TERCILES.1 }{ ") and for the launched cohort." }</p>
            </section>

            <section id="m-bidding">
                <h3>{ "Bidding strategies and pacing" }</h3>
                <p>{ "Each advertiser follows one bidding strategy, drawn once from its own random stream with the configured shares. Manual bidders bid a fixed share of their value; the autobidders adjust a bid multiplier after every simulated hour from that hour's spend S_h, value V_h and clicks C_h, keep their state from day to day, and rest once their budget is spent. max_clicks is adaptive pacing (" }{ cite("balseiro-gur", "Balseiro & Gur 2019") }{ "): μ is the dual variable of the budget constraint, and its fixed point spends the budget exactly when it binds. target_roas is uniform bid scaling (" }{ cite("aggarwal", "Aggarwal, Badanidiyuru & Mehta 2019") }{ "): a value maximiser with a return-on-spend constraint in a truthful auction bids a uniform multiple of its value, here α set so that value = T × spend. target_cpc scales a bid on its target cost per click until the average CPC meets it." }</p>
                { eq(strategy_equations()) }
                <p>{ "learning_shading learns how much to shade its bids in a first-price auction from the win rates it observes, as AuctionGym's empirically shaded bidders do (" }{ cite("jeunen", "Jeunen, Murphy & Allison 2022") }{ "): each level of a grid of shadings keeps an estimate of its win rate, measured in clicks per session of the hour, from the hours bid at it; the bidder picks the level with the best estimated surplus (value − bid) × win rate, and explores a random level in a share of its hours (drawn from its own random stream). Against a stationary market its choice converges to the best response on its grid: half the value against uniformly distributed highest bids, and the equilibrium shading 1/n among n bidders with uniform values (" }{ cite("riley", "Riley & Samuelson 1981") }{ "). In GSP and VCG it bids as a manual bidder and learns nothing." }</p>
                { eq(learning_equations()) }
                <p>{ "Pacing spreads a budget over the day's hours, with traffic uniform over them. A bid multiplier (multiplicative) or a probability of competing (throttling) slows down after an hour ahead of the schedule and recovers otherwise; without pacing an advertiser bids fully until its budget runs out, front-loading its spend — the \"Spend through the day\" chart shows each hour's share of the day's spend by strategy against the even line. Throttling and bid modification are compared by " }{ cite("bkmm", "Balseiro, Kim, Mahdian & Mirrokni 2021") }{ "; max_clicks advertisers pace through their own controller." }</p>
                { eq(pacing_equations()) }
                <p>{ "Pacing equilibria describe where such multipliers settle when every bidder paces: multipliers α_i ∈ [0, 1], each good sold to the highest paced bid α_i · v_ij, spend within budget, and α_i < 1 only for a bidder whose budget is spent. In first price the equilibrium (FPPE) is unique and solves an Eisenberg–Gale-type convex program (" }{ cite("conitzer-fppe", "Conitzer, Kroer, Panigrahi et al. 2022") }{ "); `sandbox pacing` computes it exactly for an explicit market and checks these conditions. In second price (SPPE) an equilibrium exists but need not be unique, and finding one is hard (" }{ cite("conitzer-sppe", "Conitzer, Kroer, Sodomka & Stier-Moses 2022") }{ ")." }</p>
            </section>

            <section id="m-promotion">
                <h3>{ "Promotional bandwidth" }</h3>
                <p>{ "A platform can reserve part of its ad inventory for a class of ads it wants to grow: the launched cohort (the new ad offering) or every advertiser of one category. With promotional bandwidth on, each session is drawn as a promoted session with the promoted share's probability. In a promoted session only the promoted class's ads are candidates: the same ranking utility, the same blending policy and guardrails, and the same pricing rule, applied to them alone, so a promoted ad's price is set by the next promoted ad (or the reserve), not by the incumbents it displaced. When no promoted ad is eligible (none exists yet, budgets are spent, frequency caps or targeting exclude them) the session runs the normal auction. The draw is the user's day stream's last draw, one per session, made only when the share is above 0: with the share at 0 every number is the run without promotion." }</p>
                { eq("session promoted  ⇔  uniform_u,day,k < share
    promoted session: candidates = eligible promoted ads, if any; else every eligible ad") }
                <p>{ "Reported per window: the promoted class's share of impressions, its impressions, clicks, spend, price per click and ROI; everyone else's impressions, revenue, price per click, surplus and ROI; and the share of promoted sessions that fell back. Engagement and fatigue are the run's own rows." }</p>
            </section>

            <section id="m-metrics">
                <h3>{ "Metrics" }</h3>
                <ul>
                    <li><strong>{ "Revenue" }</strong>{ " = advertiser spend = Σ price × expected clicks." }</li>
                    <li><strong>{ "Engagement" }</strong>{ " = expected organic plus ad engagements." }</li>
                    <li><strong>{ "CTR" }</strong>{ " = clicks / impressions; " }<strong>{ "eCPM" }</strong>{ " = 1000 × revenue / impressions." }</li>
                    <li><strong>{ "Mean fatigue" }</strong>{ " = mean of F over all users at the end of each day." }</li>
                    <li><strong>{ "Advertiser ROI" }</strong>{ " = value of clicks / spend over the window." }</li>
                    <li><strong>{ "First week / last week" }</strong>{ " = days 1–7 and the last 7 days: the gap between them is the long-term effect that a short experiment would miss." }</li>
                </ul>
            </section>

            <section id="m-theory">
                <h3>{ "Theory the engine is checked against" }</h3>
                <ul>
                    <li>{ "Second price: truthful bidding is dominant; revenue = E[second-highest value], with reserve r the winner pays max(r, second-highest) (" }{ cite("vickrey", "Vickrey 1961") }{ ")." }</li>
                    <li>{ "First price, symmetric equilibrium with reserve r: b(v) = v − ∫_r^v F(x)^(n−1) dx / F(v)^(n−1); for U[0,1] and r = 0, b(v) = (n−1)v/n (" }{ cite("riley", "Riley & Samuelson 1981") }{ ")." }</li>
                    <li>{ "Revenue equivalence and the optimal reserve φ(r) = 0: r = 1/2 for U[0,1] values, whatever n (" }{ cite("myerson", "Myerson 1981") }{ ")." }</li>
                    <li>{ "Position auctions: VCG payments p_k = Σ_(j≥k) (α_j − α_(j+1)) v_(j+1); with the same bids GSP revenue ≥ VCG revenue; the lowest envy-free GSP equilibrium reproduces VCG (" }{ cite("eos", "EOS 2007") }{ "; " }{ cite("varian", "Varian 2007") }{ ")." }</li>
                    <li>{ "Squashing: rank by bid · e^q; GSP price per click score_(k+1) / e_k^q (" }{ cite("lahaie", "Lahaie & Pennock 2007") }{ ")." }</li>
                </ul>
            </section>

            <section id="m-assumptions">
                <h3>{ "Assumptions and limits" }</h3>
                <ul>
                    <li>{ "Manual bidders do not re-optimise their bids beyond shading and pacing; autobidders and shading learners adapt hour by hour as described above; equilibrium bidding is studied in the one-shot mechanism lab." }</li>
                    <li>{ "Traffic is uniform over the day's " }{ HOURS }{ " hours; organic content is not modelled beyond its engagement curve." }</li>
                    <li>{ "Within a session, clicks and spend are expected values: curves are smooth, and randomness comes from visits, churn and arrivals only. Comparisons on one seed use common random numbers, so their difference is the design's effect." }</li>
                    <li>{ "Fatigue is one number per user. Its effects (blindness, fewer visits, shorter sessions) are exponential in F, pinned in direction by the engine's tests." }</li>
                </ul>
            </section>

            <section id="m-knobs">
                <h3>{ "Every knob" }</h3>
                <p>{ "The controls on the Sandbox tab, with their link keys (add ?key=value to a link), their keys in a JSON configuration, the conditions under which they act, and the ranges of their sliders (a configuration file or a link may go as far as validation allows, shown after it)." }</p>
                { for Group::ALL.into_iter().map(|group| html! {
                    <div class="knob-group" id={format!("m-knobs-{}", group_slug(group))}>
                        <h4>{ group.label() }</h4>
                        <dl class="knobs">
                            { for table().iter().filter(|s| s.group == group).map(|s| html! {
                                <>
                                    <dt>{ s.label }<code>{ s.url }</code><code class="config-key">{ s.key }</code></dt>
                                    <dd>
                                        { s.help }{ format::needs_sentence(s) }
                                        <span class="range">{ format::range_sentence(s) }</span>
                                        if let Some(limits) = s.limits() {
                                            <span class="limits">{ format!(" Accepted: {}.", limits.range_text()) }</span>
                                        }
                                    </dd>
                                </>
                            }) }
                        </dl>
                    </div>
                }) }
            </section>

            <section id="m-refs">
                <h3>{ "References" }</h3>
                <ol class="refs">
                    { for REFERENCES.iter().map(|(key, text)| html! { <li id={format!("ref-{key}")}>{ *text }</li> }) }
                </ol>
            </section>
        </article>
    }
}
