#include "trainer/imgui_sfml_bridge.hpp"

#include <SFML/OpenGL.hpp>
#include <SFML/Window/Keyboard.hpp>
#include <SFML/Window/Mouse.hpp>
#include <fmt/core.h>
#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

namespace trainer {

core::Result<void> ImGuiSfmlBridge::init(sf::RenderWindow& window) {
    const auto settings = window.getSettings();
    if (settings.majorVersion < 3)
        return core::fail(fmt::format("the window has OpenGL {}.{}; the console needs 3.0 or later", settings.majorVersion,
                                      settings.minorVersion));
    if (!window.setActive(true)) return core::fail("cannot make the window's OpenGL context current");
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the layout is fixed by the console, so screenshots are reproducible
    io.BackendPlatformName = "shailoo_sfml_bridge";
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    // ImGui 1.86 keyboard model: KeyMap maps ImGui's keys to indices of KeysDown[], here SFML key codes.
    const std::pair<ImGuiKey, sf::Keyboard::Key> keys[] = {
        {ImGuiKey_Tab, sf::Keyboard::Tab},         {ImGuiKey_LeftArrow, sf::Keyboard::Left},
        {ImGuiKey_RightArrow, sf::Keyboard::Right}, {ImGuiKey_UpArrow, sf::Keyboard::Up},
        {ImGuiKey_DownArrow, sf::Keyboard::Down},  {ImGuiKey_PageUp, sf::Keyboard::PageUp},
        {ImGuiKey_PageDown, sf::Keyboard::PageDown}, {ImGuiKey_Home, sf::Keyboard::Home},
        {ImGuiKey_End, sf::Keyboard::End},         {ImGuiKey_Insert, sf::Keyboard::Insert},
        {ImGuiKey_Delete, sf::Keyboard::Delete},   {ImGuiKey_Backspace, sf::Keyboard::Backspace},
        {ImGuiKey_Space, sf::Keyboard::Space},     {ImGuiKey_Enter, sf::Keyboard::Enter},
        {ImGuiKey_Escape, sf::Keyboard::Escape},   {ImGuiKey_KeyPadEnter, sf::Keyboard::Enter},
        {ImGuiKey_A, sf::Keyboard::A},             {ImGuiKey_C, sf::Keyboard::C},
        {ImGuiKey_V, sf::Keyboard::V},             {ImGuiKey_X, sf::Keyboard::X},
        {ImGuiKey_Y, sf::Keyboard::Y},             {ImGuiKey_Z, sf::Keyboard::Z},
    };
    for (const auto& [imgui_key, sfml_key] : keys) io.KeyMap[imgui_key] = static_cast<int>(sfml_key);
    ImGui::StyleColorsDark();
    if (!ImGui_ImplOpenGL3_Init("#version 130")) {
        ImGui::DestroyContext();
        return core::fail("ImGui's OpenGL3 renderer could not start (GLSL 1.30 unavailable?)");
    }
    return {};
}

void ImGuiSfmlBridge::process_event(const sf::Event& event) {
    ImGuiIO& io = ImGui::GetIO();
    switch (event.type) {
        case sf::Event::MouseMoved:
            io.MousePos = ImVec2(static_cast<float>(event.mouseMove.x), static_cast<float>(event.mouseMove.y));
            break;
        case sf::Event::MouseButtonPressed:
        case sf::Event::MouseButtonReleased:
            if (event.mouseButton.button < 3)
                io.MouseDown[event.mouseButton.button] = event.type == sf::Event::MouseButtonPressed;
            break;
        case sf::Event::MouseWheelScrolled:
            if (event.mouseWheelScroll.wheel == sf::Mouse::VerticalWheel) io.MouseWheel += event.mouseWheelScroll.delta;
            else io.MouseWheelH += event.mouseWheelScroll.delta;
            break;
        case sf::Event::MouseLeft: io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX); break;
        case sf::Event::KeyPressed:
        case sf::Event::KeyReleased: {
            const int code = static_cast<int>(event.key.code);
            if (code >= 0 && code < static_cast<int>(IM_ARRAYSIZE(io.KeysDown)))
                io.KeysDown[code] = event.type == sf::Event::KeyPressed;
            io.KeyCtrl = event.key.control;
            io.KeyShift = event.key.shift;
            io.KeyAlt = event.key.alt;
            io.KeySuper = event.key.system;
            break;
        }
        case sf::Event::TextEntered:
            // Control characters (backspace, tab, enter) arrive as keys, not text.
            if (event.text.unicode >= 32 && event.text.unicode != 127) io.AddInputCharacter(event.text.unicode);
            break;
        case sf::Event::GainedFocus: io.AddFocusEvent(true); break;
        case sf::Event::LostFocus: io.AddFocusEvent(false); break;
        default: break;
    }
}

void ImGuiSfmlBridge::new_frame(const sf::RenderWindow& window, float dt_seconds) {
    ImGuiIO& io = ImGui::GetIO();
    const auto size = window.getSize();
    io.DisplaySize = ImVec2(static_cast<float>(size.x), static_cast<float>(size.y));
    io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
    io.DeltaTime = dt_seconds > 0.0f ? dt_seconds : 1.0f / 60.0f;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
}

void ImGuiSfmlBridge::render(const sf::RenderWindow& window) {
    ImGui::Render();
    const auto size = window.getSize();
    glViewport(0, 0, static_cast<GLsizei>(size.x), static_cast<GLsizei>(size.y));
    glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void ImGuiSfmlBridge::shutdown() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext();
}

}  // namespace trainer
