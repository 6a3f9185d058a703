#pragma once
/// The small bridge between an SFML 2.5 window and Dear ImGui 1.86: SFML events feed ImGuiIO
/// (mouse, wheel, keys, text); ImGui's own OpenGL3 backend (compiled into Debian's libimgui) draws.
/// Debian ships no ImGui-SFML, and this is all the console needs of one (docs/trainer.md).
#include <SFML/Graphics/RenderWindow.hpp>
#include <SFML/System/Clock.hpp>
#include <SFML/Window/Event.hpp>

#include "core/result.hpp"

namespace trainer {

/// One ImGui context bound to one SFML window (whose GL context must be 3.0 or later).
class ImGuiSfmlBridge {
public:
    /// Creates the ImGui context and the OpenGL3 renderer for `window`; an error if GL is unusable.
    static core::Result<void> init(sf::RenderWindow& window);
    /// Passes one SFML event to ImGui.
    static void process_event(const sf::Event& event);
    /// Starts an ImGui frame: display size, time step, then ImGui::NewFrame().
    static void new_frame(const sf::RenderWindow& window, float dt_seconds);
    /// Ends the frame and draws ImGui's draw lists into the window's back buffer (cleared first).
    static void render(const sf::RenderWindow& window);
    /// Destroys the renderer and the ImGui context.
    static void shutdown();
};

}  // namespace trainer
